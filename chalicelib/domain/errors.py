"""Domain errors. Messages are English msgids, translated at the edge (api/errors.py)."""


def N_(message: str) -> str:
    """Marks a message for extraction into the catalogs; translation happens at the edge."""
    return message


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str = "", code: str | None = None, **params):
        super().__init__(message)
        self.message = message
        self.params = params
        if code:
            self.code = code


class Invalid(DomainError):
    """Bad input: `fields` maps each field name to its (untranslated) message."""

    code = "invalid_input"

    def __init__(self, fields: dict[str, str], message: str = N_("Some fields are not valid.")):
        super().__init__(message)
        self.fields = fields


class NotAuthenticated(DomainError):
    code = "not_authenticated"


class InvalidCredentials(DomainError):
    code = "invalid_credentials"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class Expired(DomainError):
    code = "expired"


class TooLarge(DomainError):
    code = "too_large"


class TooManyRequests(DomainError):
    code = "too_many_requests"
