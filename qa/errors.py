"""Errors meant for users: the CLI and the web app turn them into one-line messages."""


class QAError(Exception):
    """An error the user can act on; its message says what went wrong and what to do."""


class IndexNotFoundError(QAError):
    """The index folder does not exist or holds no built index."""


class IndexDamagedError(QAError):
    """A generation's files do not match its manifest (truncated, overwritten, missing)."""


class IndexFormatError(QAError):
    """The index was written by a version of releaseqa that stored other files."""


class ModelMismatchError(QAError):
    """The index was built with another embedding model than the one configured."""


class InvalidQuestionError(QAError):
    """The question is empty, too long or otherwise unusable."""


class ReleaseReadError(QAError):
    """A release file (or one line of it) could not be read."""


class ConfigurationError(QAError, ValueError):
    """A setting has a value that cannot be used."""
