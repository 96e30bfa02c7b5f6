"""Turn a scraped press release into clean paragraphs, with its title, date and issuer.

Releases arrive as scraped text or pandoc-style Markdown: hard-wrapped lines, Markdown
escapes, an organisation header, contact blocks, end markers ("###") and sometimes a
truncated copy of the last words. `Cleaner` keeps the words a reader would quote.
Its parts live beside it: `markup` (Markdown and HTML), `contacts` (contact blocks),
`paragraphs` (wrapped lines to paragraphs) and `dates` (dates to ISO).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.ingest.contacts import is_contact_block, is_contact_line
from qa.ingest.dates import date_of_line, find_date, parse_date_argument
from qa.ingest.markup import strip_markdown
from qa.ingest.paragraphs import body_paragraphs, with_words


@dataclass(frozen=True)
class CleanedRelease:
    """The cleaned body of a release and what the top of it said about the release.

    Example:
        CleanedRelease(title="Outcomes of ...", date="2021-07-06", text="On 6 July 2021, ...",
                       issuer="Ministry of Foreign Affairs and International Cooperation")
    """

    title: str
    date: str | None  # ISO YYYY-MM-DD
    text: str  # paragraphs separated by exactly one blank line
    issuer: str | None = None  # organisation named in the header, title-cased
    notes: tuple[str, ...] = ()  # what cleaning could not do as usual, for the ingest report


KEPT_WHOLE_NOTE = "cleaning would remove everything; kept the text with markup removed"


# Zero-width and placeholder characters (U+FFFC sits in some scraped titles) carry no text;
# ZWJ/ZWNJ stay because they change how some scripts render.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\ufffc\u00ad]")
# Two passes that only touch odd spaces and runs: a pass over every space is slow.
_ODD_SPACE = re.compile(r"[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACE_RUN = re.compile(r"  +")
_ODD_NEWLINE = re.compile(r"[\r\u2028\u2029\x85]")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

_LABEL = re.compile(
    r"^(?:(?:joint|official|for immediate|press|news|media)\s+)*"
    r"(?:release|statement|communiqu[eé]|announcement|advisory|readout)[.:]?$", re.I)
_ORG_WORD = re.compile(
    r"\b(?:MINISTRY|DEPARTMENT|OFFICE|EMBASSY|CONSULATE|SECRETARIAT|GOVERNMENT|AGENCY|COMMISSION"
    r"|COUNCIL|BUREAU|MISSION|PRESIDENCY|CABINET|AUTHORITY|WHITE HOUSE|KINGDOM|REPUBLIC"
    r"|NATION RELIGION KING)\b")
# Country names and mottos head a release but do not issue it.
_NOT_ISSUER = re.compile(r"\b(?:KINGDOM|REPUBLIC|NATION RELIGION KING)\b")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
_ACRONYMS = {"ASEAN", "UN", "EU", "UK", "US", "USA", "NATO", "UNESCO", "UNICEF", "WHO", "ICT"}

_YAML_UNICODE = re.compile(r"\\u([0-9a-fA-F]{4})")
_MAX_TITLE_LINES = 4
_MAX_HEADING_CHARS = 150
_MAX_DERIVED_TITLE_CHARS = 100
# Where a sentence ends: "... on 7 December 2021. English"; not in "U.S. President", "Mr. Lee".
_SENTENCE_END = re.compile(r"(?:(?<=[a-z]{3}[.!?])|(?<=[0-9)\]\"'”’][.!?]))\s+(?=[\"“‘(]?[A-Z0-9])")


class Cleaner:
    """Cleans one release's raw text; `clean` is the only entry point.

    Example:
        cleaned = Cleaner().clean(open("mfaic.txt").read())
        cleaned.title   # "Outcomes of the Special ASEAN-Russia Foreign Ministers' Meeting (via ...)"
        cleaned.date    # "2021-07-06"
        cleaned.issuer  # "Ministry of Foreign Affairs and International Cooperation"
    """

    def __init__(self, max_header_lines: int = 6, max_title_chars: int = 300) -> None:
        """`max_header_lines`: how far down the header and the date line are looked for;
        `max_title_chars`: the longest text above a date line still taken as the title."""
        self.max_header_lines = max_header_lines
        self.max_title_chars = max_title_chars

    def clean(self, raw_text: str, *, title: str | None = None, date: str | None = None,
              markdown: bool = False) -> CleanedRelease:
        """Clean `raw_text`; `title` and `date` (any common format) win over what the text says.

        `markdown=True` also strips Markdown/HTML markup: headings, emphasis, links, tags.
        A `date` that cannot be parsed is ignored and the text's own date is used.
        When cleaning would leave nothing (a header or contact lines alone), the text is kept
        with only markup removed and `notes` says so; text without letters or digits stays empty.
        """
        if not isinstance(raw_text, str):
            raise TypeError(f"raw_text must be a str, got {type(raw_text).__name__}")
        all_blocks = self._blocks(raw_text, markdown)
        issuer, blocks = self._take_header([block for block in all_blocks if not is_contact_block(block)])
        given_title = _clean_title(title) if title else ""
        text_title, date_line, paragraphs = self._title_date_and_body(blocks, given_title)
        notes: tuple[str, ...] = ()
        if not paragraphs:  # better a release with its header or contacts than no release
            paragraphs = with_words([" ".join(block) for block in all_blocks])
            notes = (KEPT_WHOLE_NOTE,) if paragraphs else ()
        final_title = given_title or text_title
        if not final_title and paragraphs:
            final_title, paragraphs = _title_from_first_paragraph(paragraphs)
        final_date = parse_date_argument(date) or date_line
        if final_date is None and paragraphs:
            final_date = find_date(paragraphs[0])
        return CleanedRelease(final_title, final_date, "\n\n".join(paragraphs), issuer, notes)

    def _blocks(self, raw_text: str, markdown: bool) -> list[list[str]]:
        """Blocks of stripped lines, split at blank lines; Markdown and HTML removed if `markdown`."""
        text = _INVISIBLE.sub("", _ODD_NEWLINE.sub("\n", raw_text.replace("\r\n", "\n")))
        if markdown:
            text = strip_markdown(text)
        text = _ESCAPE.sub(r"\1", _collapse_spaces(text))
        blocks: list[list[str]] = [[]]
        for line in text.split("\n"):
            line = line.strip()
            if line:
                blocks[-1].append(line)
            elif blocks[-1]:
                blocks.append([])
        return [block for block in blocks if block]

    def _take_header(self, blocks: list[list[str]]) -> tuple[str | None, list[list[str]]]:
        """Drop the organisation and "Press Release" lines at the top; return the issuer."""
        organisations: list[str] = []
        taken = 0
        for line in _first_lines(blocks, self.max_header_lines):
            if _LABEL.match(line) or is_contact_line(line):
                pass
            elif _is_organisation_line(line):
                organisations.append(line)
            else:
                break
            taken += 1
        issuers = [line for line in organisations if not _NOT_ISSUER.search(line)] or organisations
        return (_title_case(issuers[0]) if issuers else None), _drop_first_lines(blocks, taken)

    def _title_date_and_body(self, blocks: list[list[str]], given_title: str
                             ) -> tuple[str, str | None, list[str]]:
        """The title and date lines at the top and the paragraphs below them.

        A title, found or given, is taken out of the body only when some body is left.
        """
        text_title, date_line, rest = self._take_title_and_date(blocks, given_title)
        paragraphs = body_paragraphs(rest)
        if text_title and not paragraphs:
            text_title, paragraphs = "", [text_title]
        if given_title and len(paragraphs) > 1 and _same_words(paragraphs[0], given_title):
            paragraphs = paragraphs[1:]
        return text_title, date_line, paragraphs

    def _take_title_and_date(self, blocks: list[list[str]], given_title: str
                             ) -> tuple[str, str | None, list[list[str]]]:
        """Find a date line near the top; the lines above it are the title when none was given."""
        top = _first_lines(blocks, self.max_header_lines)
        for index, line in enumerate(top):
            iso = date_of_line(line)
            if iso is None:
                continue
            above = " ".join(top[:index])
            if given_title:
                fits = not above or _same_words(above, given_title)
            else:
                fits = _looks_like_title(above, self.max_title_chars) and index <= _MAX_TITLE_LINES
            if not fits:
                return "", iso, blocks
            return ("" if given_title else above), iso, _drop_first_lines(blocks, index + 1)
        return "", None, blocks


def _first_lines(blocks: list[list[str]], limit: int) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines.extend(block[: limit - len(lines)])
        if len(lines) >= limit:
            break
    return lines


def _drop_first_lines(blocks: list[list[str]], count: int) -> list[list[str]]:
    remaining = []
    for block in blocks:
        dropped = min(count, len(block))
        count -= dropped
        if block[dropped:]:
            remaining.append(block[dropped:])
    return remaining


def _is_organisation_line(line: str) -> bool:
    # The organisation word comes early ("MINISTRY OF ...", "NATIONAL SECURITY COUNCIL");
    # later it is an all-caps title ("AGREEMENT BETWEEN ... AND THE KINGDOM OF ...").
    return (len(line) <= 120 and ":" not in line and line == line.upper()
            and _ORG_WORD.search(" ".join(line.split()[:3])) is not None)


def _title_case(line: str) -> str:
    """"MINISTRY OF FOREIGN AFFAIRS (MFA)" -> "Ministry of Foreign Affairs (MFA)"."""
    words = []
    for position, word in enumerate(line.split()):
        if (word in _ACRONYMS or word.startswith("(")
                or any(char.isdigit() or char == "." for char in word)):
            words.append(word)
        elif position > 0 and word.lower() in _SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(words)


def _clean_title(title: str) -> str:
    # Titles copied from YAML sometimes keep its escapes: "\u2019", "\_" (NBSP), a final "\".
    title = _YAML_UNICODE.sub(lambda match: chr(int(match.group(1), 16)), str(title))
    title = title.replace("\\_", " ").rstrip().removesuffix("\\")
    title = _INVISIBLE.sub("", _ODD_NEWLINE.sub(" ", title)).replace("\n", " ")
    return _collapse_spaces(_ESCAPE.sub(r"\1", title)).strip()


def _collapse_spaces(text: str) -> str:
    return _SPACE_RUN.sub(" ", _ODD_SPACE.sub(" ", text))


def _same_words(text: str, other: str) -> bool:
    if abs(len(text) - len(other)) > 20:  # skip the character-wise compare for body paragraphs
        return False
    return _words(text) == _words(other)


def _words(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def _title_from_first_paragraph(paragraphs: list[str]) -> tuple[str, list[str]]:
    """A first paragraph that looks like a heading, when text follows it, is the title;
    otherwise the title is the first sentence, shortened, and the body keeps it."""
    first = paragraphs[0]
    if len(paragraphs) > 1 and _looks_like_title(first, _MAX_HEADING_CHARS):
        return first, paragraphs[1:]
    sentence = _SENTENCE_END.split(first, maxsplit=1)[0]
    if len(sentence) <= _MAX_DERIVED_TITLE_CHARS:
        return sentence, paragraphs
    return sentence[:_MAX_DERIVED_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…", paragraphs


def _looks_like_title(text: str, max_chars: int) -> bool:
    """Short, without the final punctuation of a sentence and without a sentence ending inside."""
    return (len(text) <= max_chars and not text.rstrip("\"'”’)").endswith((".", "!", "?", ";", ","))
            and _SENTENCE_END.search(text) is None)
