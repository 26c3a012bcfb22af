"""The one error convention of the portal's packages (provisioning/errors.py is the model).

A service refuses with a stable code (tests assert codes, never texts) and the parameters its
message needs; each package's errors module holds its codes and, in MESSAGES, the Spanish
message of each, translated when shown. Views show `error.message`.

A message is a gettext_lazy text with %-placeholders filled from the parameters, or an
ngettext_lazy one whose number is the name of a parameter (`ngettext_lazy(one, many, "seconds")`).
"""

from django.core.exceptions import ValidationError


class DomainError(Exception):
    MESSAGES: dict = {}

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        # `%` on the lazy text itself: a plural one picks its form from the parameters.
        return str(self.MESSAGES[self.code] % self.params)

    def as_form_error(self) -> ValidationError:
        """For `form.add_error(field, ...)`: the message, keeping the code (`form.has_error`)."""
        return ValidationError(self.message, code=self.code)
