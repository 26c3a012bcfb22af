"""The one error convention of the portal's packages (provisioning/errors.py is the model).

A service refuses with a stable code (tests assert codes, never texts) and the parameters its
message needs; each package's errors module holds its codes and, in MESSAGES, the Spanish
message of each, translated when shown. Views show `error.message`.
"""


class DomainError(Exception):
    MESSAGES: dict = {}

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.code]) % self.params
