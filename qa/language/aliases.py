"""Does a release hold what a question names? Entity matching that knows aliases and dates."""

from __future__ import annotations

import re
from datetime import date, timedelta

from qa.language.lexicon import COUNTRY_ALIASES, MONTH_NUMBERS, ORG_ALIASES
from qa.records import Span

# The lexicon's alias groups, lower-cased as `normalise` leaves the text they are looked for in.
ALIASES = [tuple(name.lower() for name in group) for group in (*COUNTRY_ALIASES, *ORG_ALIASES)]
YEAR = re.compile(r"\b(19|20)\d{2}\b")
RELATIVE_DAYS = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
                 "this evening": 0, "yesterday": -1}
RELATIVE_DAY_PATTERN = re.compile(r"\b(" + "|".join(RELATIVE_DAYS) + r")\b", re.IGNORECASE)


def normalise(text: str) -> str:
    """Case-folded, straight quotes, plain hyphens, single spaces: for substring checks."""
    text = text.casefold().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return re.sub(r"\s+", " ", text)


def entity_in(entity: str, evidence: str, release_date: str | None, original: str | None = None) -> bool:
    """True when `evidence` (normalised) names `entity`, by alias, or by the release's date.

    "May 2022" is also named by "May 12, 2022"; given the `original` (not case-folded)
    text, an acronym is also named by its expansion: "UAE" by "United Arab Emirates".
    """
    wanted = normalise(entity)
    if _contains(evidence, wanted):
        return True
    for group in ALIASES:
        if wanted in group:
            return any(_contains(evidence, alias) for alias in group)
    if _date_matches(wanted, release_date) or _month_year_in(wanted, evidence):
        return True
    expansion = acronym_expansion(entity)
    return bool(original and expansion and expansion.search(original))


def acronym_expansion(entity: str) -> re.Pattern | None:
    """For an acronym ("UAE", "DFC"), capitalised words with its initials ("United Arab Emirates").

    Short linking words may sit between them: "Centers for Disease Control" for "CDC".
    """
    letters = entity.replace(".", "")
    if not (letters.isalpha() and letters.isupper() and 2 <= len(letters) <= 6):
        return None
    words = [rf"{letter}[a-z]+" for letter in letters]
    return re.compile(r"\b" + r"(?:\s+(?:of|for|and|the|on|in)\b)?\s+".join(words) + r"\b")


def relative_day_spans(text: str, release_date: str | None) -> list[Span]:
    """"today", "yesterday" ... as date spans valued from the release's own date."""
    if not release_date:
        return []
    try:
        day = date.fromisoformat(release_date)
    except ValueError:
        return []
    spans = []
    for match in RELATIVE_DAY_PATTERN.finditer(text):
        value = day + timedelta(days=RELATIVE_DAYS[match.group(1).lower()])
        spans.append(Span("date", match.group(0), match.start(), match.end(), value.isoformat()))
    return spans


def readable_date(iso: str) -> str:
    """"2021-07-06" -> "6 July 2021", as the ministry writes dates."""
    day = date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _contains(evidence: str, phrase: str) -> bool:
    if phrase.isalnum() and len(phrase) <= 4:  # short names and acronyms: whole words only
        return re.search(rf"\b{re.escape(phrase)}\b", evidence) is not None
    return phrase in evidence


def _month_year_in(entity: str, evidence: str) -> bool:
    """"may 2022" in "may 12, 2022", "may 12 and 13, 2022" or "12-13 may 2022"."""
    found = re.fullmatch(r"([a-z]+) ((?:19|20)\d{2})", entity)
    if not found or found.group(1) not in MONTH_NUMBERS:
        return False
    month, year = found.groups()
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    days = rf"{day}(?:\s*(?:-|and|to)\s*{day})?"
    return re.search(rf"\b{month} {days},? {year}\b|\b{days} {month},? {year}\b", evidence) is not None


def _date_matches(entity: str, release_date: str | None) -> bool:
    """"2022", "November 2022", "May 2022" match a release dated in that year (and month)."""
    year = YEAR.search(entity)
    if not year or not release_date:
        return False
    if not release_date.startswith(year.group(0)):
        return False
    months = [number for name, number in MONTH_NUMBERS.items() if name in entity]
    return not months or int(release_date[5:7]) in months


def entity_spellings(entity: str) -> list[list[str]]:
    """The BM25 tokens of each way a release may spell an entity; [] when it can't be checked so.

    Dates and numbers are left out: a release names them in many forms, or only in its date.
    So are acronyms a release may write out ("UAE": "United Arab Emirates").
    """
    from qa.index.bm25 import tokenize

    if YEAR.search(entity) or any(character.isdigit() for character in entity):
        return []
    wanted = normalise(entity)
    group = next((group for group in ALIASES if wanted in group), None)
    if group is None and acronym_expansion(entity):
        return []
    group = group or (wanted,)
    spellings = tokenize(list(group))
    if any(not tokens for tokens in spellings):
        return []  # "U.S." has no indexable token: leave this entity to the answerer's check
    return [list(tokens) for tokens in spellings]
