import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    """The seed's rule: passwords are alphanumeric, with at least one letter and one digit."""

    def validate(self, password, user=None):
        if not (re.search(r"[^\W\d_]", password) and re.search(r"\d", password)):
            raise ValidationError(
                _("La contraseña debe combinar letras y números."), code="password_no_letters_digits"
            )

    def get_help_text(self):
        return _("Debe combinar letras y números.")
