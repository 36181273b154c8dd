import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    """The password mixes at least `min_classes` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password: str) -> int:
        checks = (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or c.isspace() for c in password),
        )
        return sum(checks)

    def validate(self, password, user=None):
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(
                ngettext(
                    "The password must mix at least %(n)d kind of character: "
                    "lower case, upper case, digits, symbols.",
                    "The password must mix at least %(n)d kinds of characters: "
                    "lower case, upper case, digits, symbols.",
                    self.min_classes,
                )
                % {"n": self.min_classes},
                code="password_too_plain",
            )

    def get_help_text(self):
        return _(
            "Your password must mix at least %(n)d of: lower case, upper case, digits, symbols."
        ) % {"n": self.min_classes}
