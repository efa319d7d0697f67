"""Load or update Tillit's requirement catalogue: `manage.py load_requirements [--file path]`."""

from core.management.data_command import LoadDataCommand
from requirements.catalogue import CATALOGUE_PATH, load_catalogue, read_catalogue


class Command(LoadDataCommand):
    help = "Load the Annex A controls and the requirement catalogue (idempotent; organisations' own requirements are kept)."
    default_path = CATALOGUE_PATH
    file_help = "Catalogue JSON (default: the bundled one)."

    def read(self, path):
        return read_catalogue(path)

    def load(self, data):
        return load_catalogue(data)

    def summary(self, data, result) -> str:
        return (f"Requirement catalogue {result.version}: controls {result.controls_created} new, "
                f"{result.controls_updated} changed; requirements {result.created} new, {result.updated} changed, "
                f"{result.unchanged} unchanged, {result.withdrawn} withdrawn.")
