"""The shape every `load_<catalogue>` command shares: read a bundled JSON file (or --file),
load it as the command line (audited with source "cli"), report what changed."""

from abc import ABCMeta, abstractmethod
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trail.context import acting_as


class LoadDataCommand(BaseCommand, metaclass=ABCMeta):
    """Subclasses set `default_path` and implement `read`, `load` and `summary`."""

    default_path: Path
    file_help = "JSON file (default: the bundled one)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=self.default_path, help=self.file_help)

    @abstractmethod
    def read(self, path: Path):
        """The file's data, parsed (OSError or ValueError when it cannot be read)."""

    @abstractmethod
    def load(self, data):
        """Load the data; ValueError with a message a person reads when it is refused."""

    @abstractmethod
    def summary(self, data, result) -> str:
        """One line on what changed."""

    def handle(self, *args, file: Path, **options):
        try:
            data = self.read(file)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        with acting_as(None, source="cli"):
            try:
                result = self.load(data)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(self.summary(data, result)))
