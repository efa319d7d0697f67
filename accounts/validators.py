import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Passwords need letters in both cases, a digit and another character (our password policy)."""

    CLASSES = (r"[a-zåäö]", r"[A-ZÅÄÖ]", r"\d", r"[^\w\s]|_")

    def validate(self, password: str, user=None) -> None:
        if not all(re.search(pattern, password) for pattern in self.CLASSES):
            raise ValidationError(self.get_help_text(), code="password_character_classes")

    def get_help_text(self) -> str:
        return _("Your password must contain upper- and lower-case letters, a digit and a special character.")
