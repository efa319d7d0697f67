"""Load or update the audit frameworks and the maturity scale: `manage.py load_frameworks [--file path]`."""

from audits.frameworks import FRAMEWORKS_PATH, load_frameworks, read_frameworks
from core.management.data_command import LoadDataCommand


class Command(LoadDataCommand):
    help = "Load the audit frameworks (ISO/IEC 27001:2022, MSB/MCF LIS, NIS2 art. 21.2) and the maturity scale."
    default_path = FRAMEWORKS_PATH
    file_help = "Frameworks JSON (default: the bundled one)."

    def read(self, path):
        return read_frameworks(path)

    def load(self, data):
        return load_frameworks(data)

    def summary(self, data, counts) -> str:
        return (f"Frameworks {data['version']}: {counts['frameworks']} frameworks and "
                f"{counts['requirements']} requirements new or changed.")
