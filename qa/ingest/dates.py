"""Dates as releases write them ("6 July 2021", "July 6, 2021", "2021-07-06") to ISO.

A date line at the top of a release, the first date in a paragraph, and a date given in
metadata (any common format, through dateparser when nothing simpler reads it).
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import datetime

from qa.language.lexicon import MONTH_ABBREVIATIONS, MONTHS, alternation

_MONTH = rf"(?P<month>{alternation(MONTHS + MONTH_ABBREVIATIONS)})\.?"
_DATE = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})"
    rf"|{_MONTH.replace('month', 'month2')}\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year2>\d{{4}})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))\b", re.I)
# A line that is only a date, maybe after a place or weekday: "Phnom Penh, 6 July 2021".
_DATE_LINE_PREFIX = re.compile(r"^(?:[A-Z][^,\d]{0,40},\s*){0,2}")
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]|$)")


def date_of_line(line: str) -> str | None:
    """The ISO date of a line that is only a date: "Phnom Penh, 6 July 2021" -> "2021-07-06"."""
    if len(line) > 60 or not any(char.isdigit() for char in line):
        return None
    rest = line[_DATE_LINE_PREFIX.match(line).end():]
    match = _DATE.fullmatch(rest.rstrip(". "))
    return _iso_from_match(match) if match else None


def find_date(text: str) -> str | None:
    """The first valid date written in `text`, as ISO; None when there is none."""
    for match in _DATE.finditer(text):
        iso = _iso_from_match(match)
        if iso:
            return iso
    return None


def _iso_from_match(match: re.Match[str]) -> str | None:
    if match.group("iso"):
        return _iso_or_none(match.group("iso"))
    day = match.group("day") or match.group("day2")
    month = match.group("month") or match.group("month2")
    year = match.group("year") or match.group("year2")
    try:
        return datetime.strptime(f"{day} {month[:3]} {year}", "%d %b %Y").date().isoformat()
    except ValueError:  # "31 June 2021"
        return None


def _iso_or_none(text: str) -> str | None:
    try:
        return Date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def parse_date_argument(value: str | Date | None) -> str | None:
    """ISO fast, then "6 July 2021"-style, then dateparser; unparseable gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, Date):
        return value.isoformat()
    text = " ".join(str(value).split())
    if _ISO_START.match(text):
        return _iso_or_none(text)
    match = _DATE.search(text)
    if match and _iso_from_match(match):
        return _iso_from_match(match)
    import dateparser  # slow to load; only reached for unusual formats

    # Day first for all-number dates ("06.07.2021"): the convention of the ministries we read.
    parsed = dateparser.parse(
        text, settings={"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY"})
    return parsed.date().isoformat() if parsed else None
