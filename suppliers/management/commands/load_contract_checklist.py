"""Load or update the contract security checklist: `manage.py load_contract_checklist [--file path]`."""

from core.management.data_command import LoadDataCommand
from suppliers.checklist import CHECKLIST_PATH, load_checklist, read_checklist


class Command(LoadDataCommand):
    help = "Load the contract security checklist (idempotent; areas no longer in the file are withdrawn)."
    default_path = CHECKLIST_PATH
    file_help = "Checklist JSON (default: the bundled one)."

    def read(self, path):
        return read_checklist(path)

    def load(self, data):
        return load_checklist(data)

    def summary(self, data, counts) -> str:
        return (f"Contract checklist {data['version']}: {counts['created']} new, {counts['updated']} changed, "
                f"{counts['unchanged']} unchanged, {counts['withdrawn']} withdrawn.")
