"""DocumentConverter: HTML, PDF and DOCX files made here, in memory, and read back as text."""

import io
import zipfile

import docx
import pytest

from qa.ingest.converters import (DocumentConverter, docx_to_document, html_to_document, pdf_to_document,
                                  unzipped_bytes)
from qa.errors import ReleaseReadError

PAGE = """<!doctype html><html><head>
<title>Cambodia and Japan sign water agreement | Ministry</title>
<link rel="canonical" href="https://www.mfaic.gov.kh/posts/2023-03-01-water">
<script>var tracking = "SCRIPT-TEXT";</script><style>body { color: red }</style></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/contact">Contact us</a></nav>
<header><div class="menu">Menu Search Login</div></header>
<main><article><h1>Cambodia and Japan sign water agreement</h1>
<p>1 March 2023</p>
<p>On 1 March 2023, the Kingdom of Cambodia and Japan signed an agreement on clean water supply for
Siem Reap province. The agreement was signed by H.E. Sok Chenda Sophea and H.E. Ueno Atsushi.</p>
<p>Japan will provide a grant of 2.5 billion yen for the new water treatment plant.</p>
</article></main><footer>Copyright 2023 Ministry. All rights reserved.</footer>
<script>alert("SCRIPT-TEXT")</script></body></html>"""


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A valid PDF with one page per list of lines, set in Helvetica, that pypdf can read."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for lines in pages:
        shown = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
        stream = "\n".join(["BT", "/F1 11 Tf", "14 TL", "50 780 Td"] + [f"({line}) Tj T*" for line in shown]
                           + ["ET"]).encode("cp1252")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes(paragraphs: list[str], title: str = "", table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in enumerate(table):
            for column, text in enumerate(cells):
                grid.cell(row, column).text = text
    document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_html_keeps_the_article_and_drops_navigation_scripts_and_footer():
    document = html_to_document(PAGE.encode())
    assert "Sok Chenda Sophea" in document.text and "2.5 billion yen" in document.text
    for left_out in ("SCRIPT-TEXT", "color: red", "Contact us", "Menu Search", "All rights reserved"):
        assert left_out not in document.text


def test_html_gives_one_paragraph_per_block_and_page_metadata():
    document = html_to_document(PAGE.encode())
    paragraphs = document.text.split("\n\n")
    assert any(paragraph.startswith("On 1 March 2023") and paragraph.endswith("Ueno Atsushi.")
               for paragraph in paragraphs)
    assert document.metadata == {"title": "Cambodia and Japan sign water agreement", "date": "2023-03-01",
                                 "source_url": "https://www.mfaic.gov.kh/posts/2023-03-01-water"}


def test_html_title_cut_short_by_a_site_name_gives_way_to_the_page_heading():
    page = ("<html><head><title>Outcomes | MFAIC</title></head><body><article>"
            "<p>Outcomes of the Special ASEAN-Russia Foreign Ministers' Meeting</p>"
            "<p>The Meeting was co-chaired by two ministers of foreign affairs.</p></article></body></html>")
    assert "title" not in html_to_document(page.encode()).metadata


def test_html_with_only_markup_is_refused():
    with pytest.raises(ReleaseReadError, match="no text in the HTML page"):
        html_to_document(b"<html><head><script>x()</script></head><body></body></html>")


def test_pdf_text_is_read_page_by_page_into_paragraphs():
    pages = [["Cambodia and Japan sign water agreement", "1 March 2023",
              "On 1 March 2023, the Kingdom of Cambodia and Japan signed an agreement on clean water",
              "supply for Siem Reap province, which the two ministers signed in Phnom Penh today.",
              "Japan will provide a grant."],
             ["The new plant will serve 200,000 residents of the province from next year."]]
    text = pdf_to_document(pdf_bytes(pages)).text
    paragraphs = text.split("\n\n")
    assert paragraphs[:2] == ["Cambodia and Japan sign water agreement", "1 March 2023"]
    assert paragraphs[2] == ("On 1 March 2023, the Kingdom of Cambodia and Japan signed an agreement on clean "
                             "water\nsupply for Siem Reap province, which the two ministers signed in Phnom Penh "
                             "today.\nJapan will provide a grant.")
    assert paragraphs[-1].startswith("The new plant will serve 200,000 residents")


def test_pdf_drops_page_numbers_and_running_headers():
    pages = [["MINISTRY BULLETIN", f"Paragraph {number} of the release body, long enough to set the margin.",
              f"Page {number} of 3"] for number in (1, 2, 3)]
    text = pdf_to_document(pdf_bytes(pages)).text
    assert "MINISTRY BULLETIN" not in text and "Page 2 of 3" not in text
    assert "Paragraph 3 of the release body" in text


def test_pdf_joins_a_word_split_at_the_margin():
    pages = [["The Special ASEAN-Russia Foreign Ministers' Meeting was co-chaired by the ASEAN-",
              "Russia country coordinator and by the Minister of Foreign Affairs of Russia."]]
    assert "ASEAN-Russia country coordinator" in pdf_to_document(pdf_bytes(pages)).text


@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.4\nthis is not really a pdf", "not a readable PDF"),
    (pdf_bytes([[]]), "no text in the PDF"),
])
def test_unreadable_pdf_says_why(data, reason):
    with pytest.raises(ReleaseReadError, match=reason):
        pdf_to_document(data)


def test_docx_reads_paragraphs_and_tables_in_order_with_its_title():
    data = docx_bytes(["Cambodia and Japan sign water agreement", "", "On 1 March 2023, they signed it."],
                      title="Water agreement", table=[["Grant", "2.5 billion yen"], ["Residents", "200,000"]])
    document = docx_to_document(data)
    assert document.text == ("Cambodia and Japan sign water agreement\n\nOn 1 March 2023, they signed it.\n\n"
                             "Grant | 2.5 billion yen\n\nResidents | 200,000")
    assert document.metadata == {"title": "Water agreement"}


def test_docx_title_made_by_a_program_is_ignored():
    assert docx_to_document(docx_bytes(["Some words."], title="Microsoft Word - draft3.docx")).metadata == {}


def test_docx_that_is_not_a_word_file_says_why():
    with pytest.raises(ReleaseReadError, match=r"not a readable Word \(.docx\) file"):
        docx_to_document(b"PK\x03\x04 not a zip")


def test_converter_chooses_by_extension_and_refuses_others():
    converter = DocumentConverter()
    assert "2.5 billion yen" in converter.convert("RELEASE.HTM", PAGE.encode()).text
    with pytest.raises(ReleaseReadError, match="cannot convert '.rtf' files"):
        converter.convert("release.rtf", b"{\\rtf1}")


def with_renamed_document_part(data: bytes, padding: int) -> bytes:
    """A .docx whose `word/document.xml` is `word/document.dat` (its content type and relationship
    changed to match, as Word allows), holding `padding` more bytes of XML."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            name = item.filename
            if name == "word/document.xml":
                name, part = "word/document.dat", part.replace(b"<w:body>", b"<w:body>" + b" " * padding, 1)
            elif name == "[Content_Types].xml":
                part = part.replace(b'PartName="/word/document.xml"', b'PartName="/word/document.dat"')
            elif name == "_rels/.rels":
                part = part.replace(b'Target="word/document.xml"', b'Target="word/document.dat"')
            target.writestr(name, part)
    return out.getvalue()


def test_docx_part_under_another_name_counts_toward_the_unzipped_limit():
    renamed = with_renamed_document_part(docx_bytes(["The ministers met."]), padding=0)
    assert docx_to_document(renamed).text == "The ministers met."  # Word and python-docx open it
    bomb = with_renamed_document_part(docx_bytes(["The ministers met."]), padding=200_000)
    assert len(bomb) < 50_000  # the template's 34 KB and the padding, well compressed
    with pytest.raises(ReleaseReadError, match=r"once unzipped, over the limit of 5,000 characters"):
        DocumentConverter(max_chars=5_000).convert("bomb.docx", bomb)


def test_unzipped_size_is_counted_from_the_data_not_the_zip_directory():
    data = with_renamed_document_part(docx_bytes(["The ministers met."]), padding=100_000)
    assert unzipped_bytes(data) > 100_000
    assert 50_000 < unzipped_bytes(data, limit=50_000) < 50_000 + 2 * 1024 * 1024  # stops soon past the limit


def test_docx_of_millions_of_empty_elements_is_refused_before_parsing():
    bomb = with_renamed_document_part(docx_bytes(["The ministers met."]), padding=6 * 1024 * 1024)
    with pytest.raises(ReleaseReadError, match=r"expands [\d,]+ times once unzipped"):
        DocumentConverter(max_chars=2_000_000).convert("bomb.docx", bomb)
