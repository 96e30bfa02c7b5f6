"""Errors meant for users: the CLI and the web app turn them into one-line messages.

Every error a user can see derives from `QAError`; `validate_text` is the one check of a
question or topic, wherever it arrives (the API, the chat, talking points, timelines, the CLI).
"""

MAX_QUESTION_CHARS = 2000


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


class IngestError(QAError):
    """An ingest could not run: nothing to read, or a release that cannot be read."""


class ReleaseReadError(IngestError):
    """A release file (or one line of it) could not be read."""


class ConfigurationError(QAError, ValueError):
    """A setting has a value that cannot be used."""


class GeneratorError(QAError):
    """The language model failed (down, slow, busy, unreadable, looping); `reason` is short and plain."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def validate_text(text: object, what: str = "question") -> str:
    """A question or topic with its spaces tidied; InvalidQuestionError when it is empty, too
    long or not text (bytes that were not UTF-8 arrive as lone surrogates).

    Example:
        validate_text("  Who co-chaired   the meeting? ")  # "Who co-chaired the meeting?"
        validate_text("", "topic")  # InvalidQuestionError: the topic is empty; type ...
    """
    if not isinstance(text, str) or not any(character.isalnum() for character in text):
        example = "a question about the releases" if what == "question" else "a country, a partner or a theme"
        raise InvalidQuestionError(f"the {what} is empty; type {example}")
    bad = next((index for index, character in enumerate(text) if "\ud800" <= character <= "\udfff"), None)
    if bad is not None:
        raise InvalidQuestionError(f"the {what} is not valid text (a broken character at position {bad + 1}, "
                                   "as from bytes that are not UTF-8); retype it")
    text = " ".join(text.split())
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidQuestionError(f"the {what} has {len(text)} characters; the limit is "
                                   f"{MAX_QUESTION_CHARS}: shorten it")
    return text
