"""Which releases may answer a question: the filters every store applies to its search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qa.errors import QAError


@dataclass(frozen=True)
class Filters:
    """Limits on which releases may answer: dates inclusive, ISO `YYYY-MM-DD`.

    Example:
        Filters(date_from="2022-01-01", source="bidenwhitehouse.archives.gov")
    """

    date_from: str | None = None
    date_to: str | None = None
    release_prefix: str | None = None  # release ids starting with this
    source: str | None = None  # issuer or host, matched case-insensitively

    def __post_init__(self):
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise QAError(f"{name} must be a date as YYYY-MM-DD. Currently, {name} is {value!r}") from None
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QAError(f"date_from ({self.date_from}) is after date_to ({self.date_to})")

    def is_empty(self) -> bool:
        return not (self.date_from or self.date_to or self.release_prefix or self.source)

    def admits(self, release) -> bool:
        """True when a release (anything with release_id, date, source) passes every filter."""
        if self.release_prefix and not release.release_id.startswith(self.release_prefix):
            return False
        if self.source and self.source.lower() not in (release.source or "").lower():
            return False
        if (self.date_from or self.date_to) and not release.date:
            return False
        if self.date_from and release.date < self.date_from:
            return False
        return not (self.date_to and release.date > self.date_to)
