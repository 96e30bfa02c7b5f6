"""Turn a scraped press release into clean paragraphs, with its title, date and issuer.

Releases arrive as scraped text or pandoc-style Markdown: hard-wrapped lines, Markdown
escapes, an organisation header, contact blocks, end markers ("###") and sometimes a
truncated copy of the last words. `Cleaner` keeps the words a reader would quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime

from qa.language.lexicon import MONTH_ABBREVIATIONS, MONTHS, alternation


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
# Markdown hard line break: two trailing spaces (NBSP too, as scraped); the spaces go
# later with the strip of each line.
_HARD_BREAK = re.compile(r"(?<=[ \u00a0]{2})\n")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_IMAGE_TAG = re.compile(r"<img\b[^>]*>", re.I)
# Struck-out words are transcript corrections ("<s>Colombia's</s> [Cambodia's]").
_STRUCK = re.compile(r"<(s|del|strike)>.*?</\1>", re.S | re.I)
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_IMAGE = re.compile(r"!\[(?:\\.|[^\]\\])*\]\((?:[^()]|\([^()]*\))*\)")
_LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]\((?:[^()]|\([^()]*\))*\)")
_INLINE_TAG = re.compile(
    r"</?(?:sup|sub|span|u|b|i|em|strong|small|mark|font|a|abbr|cite|ins)\b[^>]*>", re.I)
# Block tags become paragraph breaks; the words inside (table cells, captions) stay.
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|section|article|figure|figcaption|table|colgroup|col|thead|tbody|tfoot|tr|td|th"
    r"|blockquote|ul|ol|li|h[1-6])\b[^>]*>", re.I)
_HEADING = re.compile(r"^ {0,3}#{1,6} +(?=[^\n]*[^#\s])([^\n]+?)(?: +#+)? *$", re.M)
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$", re.M)
_STAR_BULLET = re.compile(r"^( *)[*+]( +)(?=\S)", re.M)
_EMPHASIS = re.compile(r"(?<!\\)\*+")

_BULLET = re.compile(r"^(?:[-*+]\s+|[•·▪◦‣●■➢►]\s*)(?=\S)")
_NUMBERED = re.compile(r"^(?:\d{1,3}[.)]|(?:[a-z]|[ivx]{1,4})[.)]|\((?:\d{1,3}|[a-z]|[ivx]{1,4})\))\s+(?=\S)")
_END_MARKER = re.compile(r"^(?:#\s*){3}$|^-*\s*END\s*-*$|^-\s*30\s*-$")
_TRAILING_END_MARKER = re.compile(r"\s(?:#\s*){3}$")
# A contact line is a label and its values with little else: "Fax : (855) 23 216 141, 023 213 341".
# "E-mail: applications close on 30 June ..." has the label but is a sentence.
_CONTACT_LABEL = re.compile(
    r"^(?:tel(?:ephone)?|t[ée]l[ée]phone|t[ée]l|phone|fax|facsimile|e-?mail|courriel|web\s?site|url"
    r"|mobile|hotline|contact|(?P<address>address|adresse))(?:\s*(?:no|number)\.?)?\s*[:：]\s*", re.I)
_PO_BOX = re.compile(r"^p\.?\s*o\.?\s*box\s+\d", re.I)
_CONTACT_VALUE = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|mailto:|www\.)[^\s<>]+|\+?\(?\d[\d()\s./–-]{5,}\d")
# Words allowed beside contact values: "+855 23 216 122 or 023 216 141", "ext. 12", a name.
_CONTACT_JOINERS = {"or", "and", "ext", "x"}
_MAX_CONTACT_WORDS = 3
_MAX_ADDRESS_WORDS = 12

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

_MONTH = rf"(?P<month>{alternation(MONTHS + MONTH_ABBREVIATIONS)})\.?"
_DATE = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})"
    rf"|{_MONTH.replace('month', 'month2')}\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year2>\d{{4}})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))\b", re.I)
# A line that is only a date, maybe after a place or weekday: "Phnom Penh, 6 July 2021".
_DATE_LINE_PREFIX = re.compile(r"^(?:[A-Z][^,\d]{0,40},\s*){0,2}")
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]|$)")
_YAML_UNICODE = re.compile(r"\\u([0-9a-fA-F]{4})")
_MAX_TITLE_LINES = 4
_MAX_HEADING_CHARS = 150
_MAX_DERIVED_TITLE_CHARS = 100
# Where a sentence ends: "... on 7 December 2021. English"; not in "U.S. President", "Mr. Lee".
_SENTENCE_END = re.compile(r"(?:(?<=[a-z]{3}[.!?])|(?<=[0-9)\]\"'”’][.!?]))\s+(?=[\"“‘(]?[A-Z0-9])")
# A word split at the line end: "Mekong-" + "Lancang" join without a space, as converters does;
# "small-" + "and medium-sized" and a cut-off word in a transcript ("provid-" + "— you know") keep it.
_LINE_END_HYPHEN = re.compile(r"[^\W\d_]-$")
_AFTER_SUSPENDED_HYPHEN = re.compile(r"^(?:and|or|nor|to|through)\b")


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
        issuer, blocks = self._take_header([block for block in all_blocks if not _is_contact_block(block)])
        given_title = _clean_title(title) if title else ""
        text_title, date_line, paragraphs = self._title_date_and_body(blocks, given_title)
        notes: tuple[str, ...] = ()
        if not paragraphs:  # better a release with its header or contacts than no release
            paragraphs = _with_words([" ".join(block) for block in all_blocks])
            notes = (KEPT_WHOLE_NOTE,) if paragraphs else ()
        final_title = given_title or text_title
        if not final_title and paragraphs:
            final_title, paragraphs = _title_from_first_paragraph(paragraphs)
        final_date = _parse_date_argument(date) or date_line
        if final_date is None and paragraphs:
            final_date = _find_date(paragraphs[0])
        return CleanedRelease(final_title, final_date, "\n\n".join(paragraphs), issuer, notes)

    def _blocks(self, raw_text: str, markdown: bool) -> list[list[str]]:
        """Blocks of stripped lines, split at blank lines; Markdown and HTML removed if `markdown`."""
        text = _INVISIBLE.sub("", _ODD_NEWLINE.sub("\n", raw_text.replace("\r\n", "\n")))
        if markdown:
            text = _HARD_BREAK.sub("\n\n", text).replace("\\\n", "\n\n")
            text = _strip_markdown(text)
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
            if _LABEL.match(line) or _is_contact_line(line):
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
        paragraphs = _paragraphs(rest)
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
            iso = _date_line(line)
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


def _strip_markdown(text: str) -> str:
    """Markup to plain text; escaped characters (`\\*`) survive for the unescape step.

    Each step runs only when its marker occurs: most releases have little markup.
    """
    if "<" in text:
        text = _IMAGE_TAG.sub("", _HTML_COMMENT.sub("", text))
        text = _AUTOLINK.sub(r"\1", _STRUCK.sub("", text))
        text = _BLOCK_TAG.sub("\n\n", _INLINE_TAG.sub("", text))
    if "](" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub("", text))
    if "#" in text:
        text = _HEADING.sub(r"\n\n\1\n\n", text)
    if "*" in text or "+" in text or "--" in text or "__" in text or "- -" in text:
        text = _STAR_BULLET.sub(r"\1-\2", _RULE.sub("", text))
    if "*" in text:
        text = _EMPHASIS.sub("", text)
    return text


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


def _paragraphs(blocks: list[list[str]]) -> list[str]:
    return _drop_noise([paragraph for block in blocks for paragraph in _items(block)])


def _with_words(paragraphs: list[str]) -> list[str]:
    """Only paragraphs with a letter or digit: "###" or "***" alone is no text."""
    return [paragraph for paragraph in paragraphs if any(char.isalnum() for char in paragraph)]


def _items(block: list[str]) -> list[str]:
    """Join a block's hard-wrapped lines into one paragraph, one per list item."""
    items: list[str] = []
    in_list = False
    for index, line in enumerate(block):
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        # A number at the start of a wrapped line ("...on May\n13. This") is only a list
        # item where a list can start: the block's first line, after a colon, or in a list.
        if numbered and not (index == 0 or in_list or block[index - 1].endswith(":")):
            numbered = None
        if bullet:
            items.append("- " + line[bullet.end():])
        elif numbered:
            items.append(" ".join(line.split(None, 1)))
        elif items:
            items[-1] += _line_joint(items[-1], line) + line
            continue
        else:
            items.append(line)
            continue
        in_list = True
    return items


def _line_joint(before: str, after: str) -> str:
    """What goes between two hard-wrapped lines: a space, or nothing inside a split word."""
    split_word = (_LINE_END_HYPHEN.search(before) and after[:1].isalnum()
                  and not _AFTER_SUSPENDED_HYPHEN.match(after))
    return "" if split_word else " "


def _drop_noise(paragraphs: list[str]) -> list[str]:
    """Leave out end markers, separators and a truncated copy of the last words."""
    paragraphs = [_TRAILING_END_MARKER.sub("", paragraph) for paragraph in paragraphs
                  if not _END_MARKER.match(paragraph)]
    # Separators such as "***" or "* * *" carry no words.
    paragraphs = _with_words(paragraphs)
    if len(paragraphs) >= 2:
        tail, before = paragraphs[-1], paragraphs[-2]
        cut = len(before) - len(tail)
        # Only a fragment that starts mid-word: a repeated "Thank you." is real speech.
        if (len(tail) <= 200 and cut > 0 and before.endswith(tail)
                and tail[0].isalnum() and before[cut - 1].isalnum()):
            paragraphs = paragraphs[:-1]
    return paragraphs


def _is_contact_block(block: list[str]) -> bool:
    """Only "Fax: ..."-style lines (and bare addresses or numbers beside them): never prose."""
    return (any(_is_contact_line(line) for line in block)
            and all(_is_contact_line(line) or _is_bare_contact_value(line) for line in block))


def _is_contact_line(line: str) -> bool:
    """A label with contact values and little else, or a short address; not a sentence."""
    if _PO_BOX.match(line):
        return _is_short_address(line)
    label = _CONTACT_LABEL.match(line)
    if label is None:
        return False
    rest = line[label.end():]
    return _is_short_address(rest) if label.group("address") else _is_contact_values(rest)


def _is_contact_values(text: str) -> bool:
    """ "(855) 23 216 141, 023 213 341" or "Jane Doe, press@example.org"; not a sentence."""
    if not _CONTACT_VALUE.search(text):
        return False
    words = [word.strip("()<>[].,;:") for word in _CONTACT_VALUE.sub(" ", text).split()]
    others = [word for word in words if word and word.lower() not in _CONTACT_JOINERS]
    return len(others) <= _MAX_CONTACT_WORDS and not any(word[0].islower() for word in others)


def _is_short_address(text: str) -> bool:
    """ "No. 3A, Street 169, Phnom Penh 12000"; "the minister's speech at ..." is a sentence."""
    return (len(text.split()) <= _MAX_ADDRESS_WORDS and any(char.isdigit() for char in text)
            and not text[:1].islower() and not text.rstrip().endswith("."))


def _is_bare_contact_value(line: str) -> bool:
    return _CONTACT_VALUE.fullmatch(line.strip("<>.,;")) is not None


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


def _date_line(line: str) -> str | None:
    if len(line) > 60 or not any(char.isdigit() for char in line):
        return None
    rest = line[_DATE_LINE_PREFIX.match(line).end():]
    match = _DATE.fullmatch(rest.rstrip(". "))
    return _iso_from_match(match) if match else None


def _find_date(text: str) -> str | None:
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


def _parse_date_argument(value: str | Date | None) -> str | None:
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
