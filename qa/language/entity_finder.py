"""Spans a question or topic names as one whole: dates, amounts, titled persons, places, orgs.

`QuestionAnalyzer` keeps each span as one entity ("6 July 2021", "$150 million", "Republic of
Korea", the bare name of "Deputy Prime Minister PRAK Sokhonn") and reads the other names off
the capitalised words. Rules on purpose: a topic is analysed on every call, and spaCy is
loaded only at ingest. The names of places and orgs come from `qa.language.gazetteer`, the
words of titles from `qa.language.person_titles`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from qa.language.gazetteer import ARTICLE_WORDS, BUILDINGS, NEEDS_ARTICLE, build_gazetteer
from qa.language.lexicon import (AUXILIARIES, MAGNITUDES, MONTH_ABBREVIATIONS, MONTHS, NAME_PARTICLES,
                                  WEEKDAYS, alternation)
from qa.language.person_titles import NAME_SUFFIXES, NOT_NAMES, TITLE_DEPARTMENTS, TITLE_HEADS, TITLE_MODIFIERS
from qa.records import Span

KINDS = ("date", "money", "number", "person", "place", "org")

# --- dates -----------------------------------------------------------------------------
_MONTH_FULL = rf"(?:{alternation(MONTHS)})"
_MONTH = rf"(?:{_MONTH_FULL}|(?:{alternation(MONTH_ABBREVIATIONS)})\.?)"
_WEEKDAY = rf"(?:(?:{alternation(WEEKDAYS)}),?\s+)?"
_MAGNITUDE = alternation(MAGNITUDES)
_ORDINAL = r"(?:st|nd|rd|th|<sup>(?:st|nd|rd|th)</sup>)?"
_DAY = rf"(?:3[01]|[12]\d|0?[1-9]){_ORDINAL}"
_YEAR = r"(?:19|20)\d{2}"
# One alternative a form: "6-7 July 2021", "October 31–November 1, 2022", "October 2021",
# "2022", and a period of years ("Plan of Action 2021-2025").
_DATE = re.compile("|".join([
    rf"{_WEEKDAY}(?<![\w.,$]){_DAY}(?:\s*[-–]\s*{_DAY})?(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?"
    rf"(?!\w)",
    rf"(?<!\w){_WEEKDAY}{_MONTH}\s+{_DAY}(?:\s*[-–]\s*(?:{_MONTH}\s+)?{_DAY})?(?!\d)"
    rf"(?:,?\s+{_YEAR})?(?!\w|,\d)",
    rf"(?<!\w){_MONTH_FULL}(?:\s+of)?,?\s+{_YEAR}(?!\w|[.,]\d)",
    rf"(?<![\w$€£¥.,/#:]){_YEAR}(?:\s*[-–/]\s*(?:{_YEAR}|\d{{2}})(?!\w|%|[.,]\d)"
    rf"|(?!\w|%|[.,]\d|\s*[-–]\s*\d|\s+(?:{_MAGNITUDE}|percent)\b))",
]))

# --- amounts ---------------------------------------------------------------------------
_CURRENCY = r"(?:US\s?\$|U\.S\.\s?\$|USD\s?\$?|EUR|A\$|S\$|C\$|€|£|¥|\$)"
# "2,000", "1.2", "5bn", "40 million"; not "COVID-19", "G7", "2+2", "3:04" or "25th".
_NUMBER = (r"(?P<numeral>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?:(?:bn|mn|m|b|k|BN|B|M|K)\b"
           rf"|(?![\w+]|[.,:/]\d|<sup>)(?:\s+(?:{_MAGNITUDE})\b)?)")
_AMOUNT = re.compile(
    rf"(?:(?P<prefix>{_CURRENCY})\s?|(?<![\w.,:/+])(?<!\w-)){_NUMBER}(?:\s?%|\s+per\s*cent\b"
    rf"|(?P<suffix>\s+(?:U\.S\.\s+dollars|US\s+dollars|dollars|USD|euros|EUR|yen|riels?|KHR)\b))?")
# What makes a number a label, not a quantity: "Section 232", "3:04 P.M.", "(855) 23 216 141".
_LABEL_BEFORE = re.compile(
    r"\b(?:Section|Article|Title|Resolution|Chapter|No\.|Number|Phase|Part|Annex|Room|"
    r"Flight|Pillar|Tier|Level|Category|Order|District|Route|Act|Decree|Law|Group|Version|"
    r"UNSCR|Step|Stage|Item|Paragraph|Goal|SDG)\s+$|\d\)?[ -]$")
_LABEL_AFTER = re.compile(r"\s?(?:a\.m\.|p\.m\.|AM\b|PM\b|A\.M\.|P\.M\.)|\)?[ -]\d{2,4}\b")

# --- places and organisations (the names it knows are in qa.language.gazetteer) ---------
_ORG_HEADS_FIRST = ("Ministry|Department|Office|Bureau|Association|Organization|Organisation|"
                    "Council|Commission|Secretariat|Agency|Bank|Embassy|Court|Institute|"
                    "Committee|Federation|Board")
_ORG_HEADS_LAST = ("Organization|Organisation|Agency|Council|Commission|Forum|Bank|Fund|"
                   "Union|Alliance|Association|Institute|Secretariat|Parliament|Corporation|"
                   "Foundation|University|Coalition|Committee|Authority|Service|Court|Board|"
                   "Ministry|Department|Party|Army|Navy|Guard")
_SENTENCE_OPENERS = ("The|the|Today|This|That|In|On|At|And|But|We|He|She|They|It|Our|Their|"
                      "His|Her|Yesterday|Also|Additionally|Both|Under|Through|With|From|For|As|"
                      "President|Secretary|Minister|Vice|Prime")
_NOUN_FOLLOWERS = AUXILIARIES | frozenset(
    ". , ; : ) ' and or to in on at for with as by from remains continues also stands welcomes "
    "announced".split())
_TOKEN_AFTER = re.compile(r"\s*((?:[A-Z]\.){2,}|\w+|[^\w\s]|$)")
_THE_BEFORE = re.compile(r"(?<!\w)[Tt]he\s+$")
_AFTER_PREPOSITION = re.compile(r"\b(?:at|in|to|from)\s+the\s+$")


class SpanFinder:
    """Finds dates, amounts, titled persons and place and org names (see `KINDS`) in a short text.

    Example:
        SpanFinder().find("Did H.E. Retno Marsudi meet ASEAN on 6 July 2021?")
        # [Span("person", "H.E. Retno Marsudi", 4, 22, "Retno Marsudi"),
        #  Span("org", "ASEAN", 28, 33), Span("date", "6 July 2021", 37, 48)]

    A person's `value` is the bare name; other spans have none.
    """

    def __init__(self) -> None:
        self._kinds = build_gazetteer()
        name = alternation(self._kinds).replace("'", "['’]")
        # Every name starts with a capital: the look-ahead skips other positions fast.
        self._known_name = re.compile(rf"(?<!\w)(?=[A-ZÀ-Þ])(?:{name})(?!\w)")
        self._compile_person_patterns()
        self._compile_org_patterns()

    @property
    def names(self) -> Mapping[str, str]:
        """Lower-cased gazetteer names mapped to their usual spelling ("asean" -> "ASEAN")."""
        return {name.lower(): name for name in self._kinds}

    def find(self, text: str) -> list[Span]:
        """Return the spans sorted by start offset.

        Spans of one kind never overlap, and no number overlaps a date; spans of other kinds
        may ("the Republic of Korea" is a place inside a minister's title).
        """
        has_digit = any(digit in text for digit in "0123456789")
        dates = [Span("date", match.group(), match.start(), match.end())
                 for match in (_DATE.finditer(text) if has_digit else ())]
        amounts: list[Span] = []
        for match in _AMOUNT.finditer(text) if has_digit else ():
            kind = "money" if match.group("prefix") or match.group("suffix") else "number"
            if kind == "number" and _is_label(text, match.start(), match.end("numeral")):
                continue
            _add_unless_overlapping(amounts, Span(kind, match.group(), match.start(), match.end()), dates)
        places, orgs = self._known_names(text)
        persons = self._titled_persons(text)
        self._add_orgs(text, orgs, places, persons)
        spans = dates + amounts + places + orgs + persons
        return sorted(spans, key=lambda span: (span.start, span.end, span.kind))

    def _known_names(self, text: str) -> tuple[list[Span], list[Span]]:
        """Gazetteer names; "U.S." only as a noun ("the U.S. and Japan", not "U.S.-ASEAN")."""
        places: list[Span] = []
        orgs: list[Span] = []
        for match in self._known_name.finditer(text):
            name, start, end = match.group().replace("’", "'"), match.start(), match.end()
            the = _THE_BEFORE.search(text, max(0, start - 5), start)
            if name in NEEDS_ARTICLE and the is None:
                continue  # "Atlantic cooperation"
            if name in ("U.S.", "US") and _TOKEN_AFTER.match(text, end).group(1) not in _NOUN_FOLLOWERS:
                continue
            after_preposition = _AFTER_PREPOSITION.search(text, max(0, start - 10), start)
            kind = "place" if name in BUILDINGS and after_preposition else self._kinds[name]
            if the is not None and ARTICLE_WORDS.intersection(name.replace("-", " - ").split()):
                start = the.start()  # "the United States"
            (places if kind == "place" else orgs).append(Span(kind, text[start:end], start, end))
        return places, orgs

    # --- persons ---------------------------------------------------------------------------
    def _compile_person_patterns(self) -> None:
        upper = "A-ZÀ-ÖØ-Þ"
        not_name = alternation(NOT_NAMES)
        name_token = rf"(?!(?:{not_name})(?![\w\-]))(?:[A-Z]\.|[{upper}][\w\-]*\w)"
        particle = alternation(NAME_PARTICLES)
        name = (rf"(?P<name>{name_token}(?:(?:\s+(?:{particle}))*\s+{name_token}){{0,3}}"
                rf"{NAME_SUFFIXES}?)")
        modifier = alternation(TITLE_MODIFIERS)
        department = (rf"\s+(?:of|for)\s+(?:{alternation(TITLE_DEPARTMENTS)})"
                      rf"|\s+to\s+(?:the\s+)?[{upper}][\w.\-]*\w\.?")  # "Ambassador to Japan"
        head = rf"(?:{alternation(TITLE_HEADS)})(?:{department})?"
        self._title_head = re.compile(rf"(?<!\w)(?:{alternation(TITLE_HEADS)})")
        # Matched from a head word ("Minister"); the modifiers before it ("Deputy Prime")
        # are found looking back, so no pattern has to be tried at every position.
        self._titled_person = re.compile(
            rf"{head}(?:\s+(?:(?:{modifier})\s+)*{head})*\s+{name}")
        self._preposition_end = re.compile(r"\b(?:of|for|on)\s+(?:the\s+)?$")
        self._modifiers_before = re.compile(rf"(?<![\w.\-])(?:(?:{modifier})\s+)+$")

    def _titled_persons(self, text: str) -> list[Span]:
        """ "H.E. Retno Marsudi", "His Excellency Deputy Prime Minister PRAK Sokhonn"."""
        spans: list[Span] = []
        covered_until = 0
        for head in self._title_head.finditer(text):
            position = head.start()
            match = self._titled_person.match(text, position) if position >= covered_until else None
            if match is None or match.group("name").split()[0] in self._kinds:
                continue  # "the President said"; "Ambassador ASEAN"
            modifiers = self._modifiers_before.search(text, max(0, position - 60), position)
            start = position
            if modifiers and not self._preposition_end.search(text, max(0, modifiers.start() - 9),
                                                              modifiers.start()):
                start = modifiers.start()  # not "Department of [Energy] Secretary Granholm"
            covered_until = match.end()
            _add_unless_overlapping(spans, Span("person", text[start:match.end()], start,
                                                match.end(), match.group("name")))
        return spans

    # --- organisations ---------------------------------------------------------------------
    def _compile_org_patterns(self) -> None:
        upper = "A-ZÀ-ÖØ-Þ"
        word = rf"(?:[{upper}][\w\-]*\w|(?:[A-Z]\.){{2,}}(?:-\w+)?)"
        self._org_head_first = re.compile(
            rf"(?<!\w)(?:{_ORG_HEADS_FIRST})\s+(?:of|for|on)\s+(?:the\s+)?{word}"
            rf"(?:\s+(?:and\s+)?{word}){{0,5}}")
        self._org_head_last = re.compile(rf"(?<!\w)(?:{_ORG_HEADS_LAST})\b")
        self._words_before_head = re.compile(rf"(?<![\w\-])(?:{word}\s+(?:and\s+)?){{1,5}}$")
        self._sentence_opener = re.compile(rf"(?:(?:{_SENTENCE_OPENERS})\s+)+")

    def _add_orgs(self, text: str, orgs: list[Span], places: list[Span], persons: list[Span]) -> None:
        """Named bodies ("Ministry of Foreign Affairs", "Pacific Islands Forum") after the
        gazetteer's orgs, longer names first."""
        place_ends = {span.end for span in places}
        for span in sorted(self._org_phrases(text), key=lambda span: span.start - span.end):
            if span.end in place_ends:
                continue  # "the West Bank" is no bank
            span = _cut_at_person(text, span, persons)
            if span is not None:
                _add_unless_overlapping(orgs, span)

    def _org_phrases(self, text: str) -> list[Span]:
        spans = [self._org_span(text, match.start(), match.end())
                 for match in self._org_head_first.finditer(text)]
        for head in self._org_head_last.finditer(text):
            words = self._words_before_head.search(text, max(0, head.start() - 100), head.start())
            if words is not None:
                spans.append(self._org_span(text, words.start(), head.end()))
        return [span for span in spans if span is not None]

    def _org_span(self, text: str, start: int, end: int) -> Span | None:
        opener = self._sentence_opener.match(text, start, end)
        start = opener.end() if opener else start
        if len(text[start:end].split()) < 2:
            return None  # a bare head word: "the Council"
        the = _THE_BEFORE.search(text, max(0, start - 5), start)
        start = the.start() if the else start
        return Span("org", text[start:end], start, end)


def _cut_at_person(text: str, span: Span, persons: list[Span]) -> Span | None:
    """ "Council on Environmental Quality Chair Brenda Mallory" -> the council alone."""
    for person in persons:
        if span.start < person.start < span.end:
            kept = re.sub(r"(?:\s+(?:of|for|on|and|the))+\s*$", "",
                          text[span.start:person.start].rstrip())
            end = span.start + len(kept)
            return Span("org", text[span.start:end], span.start, end) if len(
                text[span.start:end].split()) > 1 else None
        if person.start <= span.start < person.end:
            return None
    return span


def _is_label(text: str, start: int, end: int) -> bool:
    """A number that counts nothing: "Section 232", "2.0", "3:04 P.M.", a phone number, a list's "1."."""
    enumerator = text[end:end + 1] in (".", ")") and (not text[:start].strip() or (
        not text[end + 1:].strip() and text[:start].rstrip().endswith((".", ":"))))
    return (enumerator or text[start - 1:start] + text[end:end + 1] == "()" and end - start <= 2
            or text.endswith(".0", start, end) or _LABEL_AFTER.match(text, end) is not None
            or _LABEL_BEFORE.search(text, max(0, start - 14), start) is not None)


def _add_unless_overlapping(spans: list[Span], span: Span, blocked: Iterable[Span] = ()) -> None:
    if not any(span.start < other.end and other.start < span.end for other in [*spans, *blocked]):
        spans.append(span)
