"""AUTH_PASSWORD_VALIDATORS of our own. Every form where a person chooses a password passes the
account it is for as `user` (an unsaved stand-in before the account exists), so the rules can
tell an operator from a portal account and compare the password with the email and name."""

import re

from django.contrib.auth.password_validation import MinimumLengthValidator, UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name


def is_operator_account(user) -> bool:
    """Operators are the accounts of the public schema (staff, reaching every portal through the
    admin). A staff account anywhere counts too. Outside a tenant, the one password that is not an
    operator's is the first admin's of Crear Portal: validated with no `user`, or with a stand-in
    that `is_portal_admin`, which is what that account will be."""
    if user is None:
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return connection.schema_name == get_public_schema_name() and not getattr(user, "is_portal_admin", False)


class AccountMinimumLengthValidator(MinimumLengthValidator):
    """At least `min_length` characters (the seed's 6); `operator_min_length` for operators."""

    def __init__(self, min_length=6, operator_min_length=12):
        super().__init__(min_length)
        self.operator_min_length = operator_min_length

    def validate(self, password, user=None):
        if is_operator_account(user) and len(password) < self.operator_min_length:
            raise ValidationError(
                _("Las contraseñas de los operadores de la plataforma deben tener al menos "
                  "%(min_length)d caracteres."),
                code="password_too_short", params={"min_length": self.operator_min_length},
            )
        super().validate(password, user)

    def get_help_text(self):
        # Help texts have no account to look at: the root domain's forms (the admin) are the operators'.
        if connection.schema_name == get_public_schema_name():
            return _("Los operadores de la plataforma usan al menos %(min_length)d caracteres.") % {
                "min_length": self.operator_min_length}
        return super().get_help_text()


class AccountAttributeSimilarityValidator(UserAttributeSimilarityValidator):
    """Not like the account's email (or a part of it) or its name. Django's es-AR message reads
    "…muy similar a email."; ours says whose."""

    DEFAULT_USER_ATTRIBUTES = ("email", "full_name")

    def __init__(self, user_attributes=DEFAULT_USER_ATTRIBUTES, max_similarity=0.7):
        super().__init__(user_attributes, max_similarity)

    def get_error_message(self):
        return _("La contraseña se parece demasiado a su %(verbose_name)s.")

    def get_help_text(self):
        return _("No puede parecerse a su email ni a su nombre.")


class LettersAndDigitsValidator:
    """The seed's rule: passwords are alphanumeric, with at least one letter and one digit."""

    def validate(self, password, user=None):
        if not (re.search(r"[^\W\d_]", password) and re.search(r"\d", password)):
            raise ValidationError(
                _("La contraseña debe combinar letras y números."), code="password_no_letters_digits"
            )

    def get_help_text(self):
        return _("Debe combinar letras y números.")
