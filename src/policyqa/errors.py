"""One error hierarchy: every error a user can cause, each with its HTTP status."""


class PolicyQAError(Exception):
    """Base class; ``str(err)`` is one readable line for the user."""

    status: int = 400


class BadInput(PolicyQAError):
    status = 400


class NotFound(PolicyQAError):
    status = 404


class UnknownDocument(NotFound):
    pass


class UnknownClause(NotFound):
    """A clause id or reference that matches nothing; ``candidates`` lists close matches."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


class IndexProblem(PolicyQAError):
    """The index directory is missing, stale or corrupt; the message says how to rebuild."""

    status = 503


class ConfigError(PolicyQAError):
    status = 500


class CorpusError(PolicyQAError):
    status = 500
