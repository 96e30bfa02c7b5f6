"""Text from HTML, PDF and DOCX release files, for the reader.

HTML: trafilatura's main-text extraction (navigation, scripts, styles and page furniture
left out) with the page's title, date and canonical URL. PDF: pypdf, page by page, with
paragraphs found again from line lengths. DOCX: python-docx, paragraphs and tables in
document order, with the document's title property. The cleaner then treats the text as
it treats a `.txt` release.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from qa.errors import ReleaseReadError

CONVERTIBLE_SUFFIXES = (".html", ".htm", ".pdf", ".docx")

# A line of a PDF page shorter than this share of the page's longest line ends its
# paragraph (PDF text has no paragraph marks, only line breaks).
_SHORT_LINE_SHARE = 0.8
_HEADING_BLOCKS = 4  # how far down an HTML page's text its heading is looked for
_LINE_END_HYPHEN = re.compile(r"\w-$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.I)
# Bytes of HTML or Word XML allowed per character of the text limit: markup outweighs text.
_MARKUP_PER_CHAR = 10
_UNZIP_BLOCK = 1 << 20
# Word XML of real text compresses 5-15 times; only a big file expanding far more is refused.
_MAX_EXPANSION = 100
_EXPANSION_FROM = 5 * 1024 * 1024
_MACHINE_TITLE = re.compile(r"^(?:microsoft word\s*-|untitled\b)|\.(?:docx?|pdf|rtf|odt)$", re.I)


@dataclass(frozen=True)
class ConvertedDocument:
    """The text of a converted file and what the file itself says about the release.

    `text` has paragraphs separated by blank lines; `metadata` holds `title`, `date`
    (ISO) and `source_url` where the file gives them, in the shape the reader expects
    from Markdown front matter.
    """

    text: str
    metadata: dict[str, str] = field(default_factory=dict)


class DocumentConverter:
    """Turns the bytes of an HTML, PDF or DOCX file into release text; `convert` is the entry point.

    Example:
        document = DocumentConverter().convert("statement.html", Path("statement.html").read_bytes())
        document.metadata["title"], document.text.split("\\n\\n")[0]

    Raises `ReleaseReadError`, with a message saying what is wrong with the file, when the
    file is damaged, password-protected or holds no text.
    """

    def __init__(self, max_chars: int | None = None) -> None:
        self.max_chars = max_chars  # a file whose text would be longer is refused, early where possible

    def convert(self, name: str, data: bytes) -> ConvertedDocument:
        suffix = Path(name).suffix.lower()
        if suffix in (".html", ".htm"):
            check_text_size(len(data), self.max_chars, _MARKUP_PER_CHAR, "of HTML")
            return html_to_document(data)
        if suffix == ".pdf":
            return pdf_to_document(data, self.max_chars)
        if suffix == ".docx":
            limit = None if self.max_chars is None else self.max_chars * _MARKUP_PER_CHAR
            unzipped = unzipped_bytes(data, limit)
            check_text_size(unzipped, self.max_chars, _MARKUP_PER_CHAR, "once unzipped")
            check_expansion(unzipped, len(data))
            return docx_to_document(data)
        raise ReleaseReadError(f"cannot convert {suffix or '(no extension)'!r} files; "
                               f"convertible: {', '.join(CONVERTIBLE_SUFFIXES)}")


def html_to_document(data: bytes | str) -> ConvertedDocument:
    """The main text of a web page, one paragraph per block, with title, date and URL."""
    import trafilatura

    extracted = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                            include_tables=True, include_links=False)
    text = extracted.text if extracted is not None and extracted.text else ""
    if not text.strip():
        # Pages without an article structure: all visible text, scripts and styles removed.
        text = trafilatura.html2txt(data) if data else ""
    text = _paragraphs(text.splitlines())
    if not text:
        raise ReleaseReadError("no text in the HTML page (only markup, scripts or navigation)")
    metadata = {}
    if extracted is not None:
        title = " ".join((extracted.title or "").split())
        # <title> often loses words to a trimmed site name ("Outcomes | Ministry"): when
        # the page's own first line says more, the cleaner takes the title from the text.
        if title and not _has_fuller_heading(text.split("\n\n")[:_HEADING_BLOCKS], title):
            metadata["title"] = title
        if extracted.date:
            metadata["date"] = extracted.date
        if extracted.url and urlsplit(extracted.url).scheme in ("http", "https"):
            metadata["source_url"] = extracted.url
    return ConvertedDocument(text, metadata)


def _has_fuller_heading(first_blocks: list[str], title: str) -> bool:
    return any(len(block) > len(title) and block.casefold().startswith(title.casefold())
               for block in first_blocks)


def pdf_to_document(data: bytes, max_chars: int | None = None) -> ConvertedDocument:
    """The text of every page; page numbers and lines repeated on every page are dropped.

    Stops reading pages as soon as the text passes `max_chars` (a ReleaseReadError).
    """
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReleaseReadError("the PDF is password-protected; upload a copy without a password")
        pages, total = [], 0
        for page in reader.pages:
            pages.append((page.extract_text() or "").splitlines())
            total += sum(len(line) for line in pages[-1])
            check_text_size(total, max_chars, 1, "of text and more")
    except ReleaseReadError:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many types on damaged files
        raise ReleaseReadError(f"not a readable PDF: {one_line(error)}") from error
    repeated = _repeated_lines(pages)
    text = _pdf_paragraphs([[line for line in lines if line.strip() not in repeated] for lines in pages])
    if not text:
        raise ReleaseReadError("no text in the PDF (a scan? run it through OCR first)")
    return ConvertedDocument(text)


def docx_to_document(data: bytes) -> ConvertedDocument:
    """Paragraphs and table rows in document order, with the document's title if it has one."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.extend(_table_rows(item))
            else:
                blocks.append(item.text)
        title = (document.core_properties.title or "").strip()
    except Exception as error:  # noqa: BLE001 - python-docx raises many types on damaged files
        raise ReleaseReadError(f"not a readable Word (.docx) file: {one_line(error)}") from error
    text = _paragraphs(blocks)
    if not text:
        raise ReleaseReadError("no text in the Word document")
    metadata = {"title": title} if title and not _MACHINE_TITLE.search(title) else {}
    return ConvertedDocument(text, metadata)


def check_text_size(size: int, max_chars: int | None, per_char: int, what: str) -> None:
    """Refuses a file whose `size` (bytes of markup, or characters) means text over `max_chars`."""
    if max_chars is not None and size > max_chars * per_char:
        unit = "characters" if per_char == 1 else "bytes"
        raise ReleaseReadError(f"{size:,} {unit} {what}, over the limit of {max_chars:,} characters of text "
                               "(QA_MAX_UPLOAD_CHARS; qa ingest --max-chars raises it)")


def check_expansion(unzipped: int, zipped: int) -> None:
    """Refuses a zip whose parts expand far more than a document's text does: the shape of a
    bomb whose text is under the limit but whose millions of empty elements parsing must hold."""
    if unzipped > _EXPANSION_FROM and unzipped > _MAX_EXPANSION * zipped:
        raise ReleaseReadError(f"the file expands {unzipped / zipped:,.0f} times once unzipped "
                               f"({zipped:,} to {unzipped:,} bytes); a Word file of text expands under "
                               f"{_MAX_EXPANSION} times: save it again from Word, or paste its text in a .txt file")


def unzipped_bytes(data: bytes, limit: int | None = None) -> int:
    """Bytes a zip file's members hold once unpacked, whatever their names, counted as they
    are unpacked (a zip directory can understate a size); counting stops past `limit`.

    A part renamed from `document.xml` to `document.dat` counts as much as any other: Word
    finds its parts through the relationship files, not through their names.
    """
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for item in archive.infolist():
                with archive.open(item) as member:
                    while block := member.read(_UNZIP_BLOCK):
                        total += len(block)
                        if limit is not None and total > limit:
                            return total
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError, RuntimeError):
        return total  # damaged or encrypted: python-docx says so in its own words
    return total


def _paragraphs(blocks: list[str]) -> str:
    """Non-empty blocks as paragraphs separated by one blank line."""
    return "\n\n".join(" ".join(block.split()) for block in blocks if block.strip())


def _pdf_paragraphs(pages: list[list[str]]) -> str:
    """Lines joined into paragraphs across pages: a line shorter than most of its page's ends one.

    Only the last line of a paragraph falls short of the margin, so a short line (a
    header, a title, a date, a paragraph's end) closes its block; a paragraph running on
    to the next page stays whole. The cleaner joins each block's lines.
    """
    paragraphs: list[list[str]] = [[]]
    for lines in pages:
        lines = [" ".join(line.split()) for line in lines]
        lines = [line for line in lines if line and not _PAGE_NUMBER.match(line)]
        longest = max((len(line) for line in lines), default=0)
        for line in lines:
            current = paragraphs[-1]
            if current and _LINE_END_HYPHEN.search(current[-1]):
                current[-1] += line  # "ASEAN-" + "Russia": a word split at the margin
            else:
                current.append(line)
            if len(line) < _SHORT_LINE_SHARE * longest:
                paragraphs.append([])
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs if paragraph)


def _repeated_lines(pages: list[list[str]]) -> set[str]:
    """Running headers and footers: lines found on every page of a document of 3+ pages."""
    if len(pages) < 3:
        return set()
    counts = Counter(line.strip() for lines in pages for line in set(lines) if line.strip())
    return {line for line, count in counts.items() if count == len(pages)}


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows


def one_line(error: BaseException) -> str:
    """An error's message on one line, for a `ReadError` or `ReleaseReadError` reason."""
    return " ".join(str(error).split()) or type(error).__name__
