"""ReleaseReader: real corpus files copied into tmp_path, and small bad files made there."""

import gzip
import json
import shutil
import textwrap
from pathlib import Path

import pytest

from qa.ingest.reader import ReadResult, ReleaseReader
from qa.records import ReadError, Release

from ..conftest import white_house_lines
from .test_converters import PAGE, docx_bytes, pdf_bytes

CORPUS = Path(__file__).parents[2] / "corpus"  # the seed and ASEAN files, as copied from ../shared
SEED_NAME = "mfaic-2021-07-06-asean-russia-special-fmm.txt"
SEED = CORPUS / "seed" / SEED_NAME
ASEAN_NAME = "2021-10-26-readout-of-president-bidens-participation-in-the-u-s-asean-summit.md"
ASEAN_MD = CORPUS / "asean-md" / ASEAN_NAME


@pytest.fixture(scope="module")
def reader():
    return ReleaseReader()


@pytest.fixture
def corpus(tmp_path):
    """A small corpus folder: the seed under seed/, one ASEAN Markdown file, 5 White House lines."""
    (tmp_path / "corpus" / "seed").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "corpus" / "seed" / SEED_NAME)
    shutil.copy(ASEAN_MD, tmp_path / "corpus" / ASEAN_NAME)
    write_lines(tmp_path / "corpus" / "wh.jsonl", white_house_lines(5))
    return tmp_path / "corpus"


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(**fields):
    return json.dumps({"title": "A title", "date": "2022-05-12", "text": "Some words.", **fields})


def only_error(result: ReadResult) -> ReadError:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_read_folder_names_releases_by_path_relative_to_it(reader, corpus):
    result = reader.read([corpus])
    ids = [release.release_id for release in result.releases]
    assert ids[0] == ASEAN_NAME
    assert f"seed/{SEED_NAME}" in ids
    assert len(ids) == 7 and result.errors == []


def test_read_seed_gives_cleaned_release_with_issuer_as_source(reader, corpus):
    seed = next(release for release in reader.read([corpus]).releases if release.release_id.startswith("seed/"))
    assert isinstance(seed, Release)
    assert seed.title == "Outcomes of the Special ASEAN-Russia Foreign Ministers' Meeting (via Video Conference)"
    assert seed.date == "2021-07-06"
    assert seed.source == "Ministry of Foreign Affairs and International Cooperation"
    assert seed.text.startswith("On 6 July 2021, His Excellency") and "Fax" not in seed.text
    assert seed.origin == str(corpus / "seed" / SEED_NAME)
    assert (seed.source_url, seed.tags) == (None, ())


def test_read_file_given_directly_is_named_by_its_file_name(reader):
    result = reader.read([SEED])
    assert [release.release_id for release in result.releases] == [SEED_NAME]
    assert result.roots == [str(SEED)] and result.files == [str(SEED)]


def test_read_markdown_takes_front_matter_metadata(reader):
    (release,) = reader.read([ASEAN_MD]).releases
    assert release.title == "Readout of President Biden’s Participation in the U.S.-ASEAN Summit"
    assert release.date == "2021-10-26"
    assert release.tags == ("statements-releases",)
    assert release.source_url.startswith("https://bidenwhitehouse.archives.gov/briefing-room/")
    assert release.source == "bidenwhitehouse.archives.gov"
    assert "\\[" not in release.text and "\n" not in release.text.replace("\n\n", "")


def test_read_markdown_prefers_front_matter_source(reader, tmp_path):
    path = tmp_path / "note.md"
    path.write_text("---\ntitle: Note\ndate: 2024-01-05\nsource: ASEAN Secretariat\ntags: [a, b]\n---\n"
                    "Body *text*.\n", encoding="utf-8")
    (release,) = reader.read([path]).releases
    assert (release.title, release.date, release.source, release.tags, release.text) == (
        "Note", "2024-01-05", "ASEAN Secretariat", ("a", "b"), "Body text.")


def test_read_markdown_without_front_matter_uses_its_heading(reader, tmp_path):
    path = tmp_path / "news" / "plain.md"
    path.parent.mkdir()
    path.write_text("# Leaders Meet\n\nThe leaders met on 3 March 2022.\n", encoding="utf-8")
    (release,) = reader.read([tmp_path]).releases
    assert (release.release_id, release.title, release.date) == ("news/plain.md", "Leaders Meet", "2022-03-03")
    assert release.source == tmp_path.name  # no issuer, no URL: the folder ingested


def test_read_jsonl_uses_doc_ids_and_cleans_markdown_text(reader, corpus):
    rows = [json.loads(line) for line in white_house_lines(5)]
    releases = [release for release in reader.read([corpus / "wh.jsonl"]).releases]
    assert [release.release_id for release in releases] == [row["doc_id"] for row in rows]
    first = releases[0]
    assert first.date == "2022-05-11" and first.tags == ("press-briefings",)
    assert first.source == "bidenwhitehouse.archives.gov"
    assert first.origin == str(corpus / "wh.jsonl")
    assert "is [senior administration official]." in first.text


def test_read_jsonl_gz_like_plain_jsonl(reader, tmp_path):
    path = tmp_path / "wh.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(white_house_lines(3)) + "\n").encode("utf-8")))
    result = reader.read([path])
    assert len(result.releases) == 3 and result.errors == []


def test_read_jsonl_line_without_id_is_named_by_path_and_line(reader, tmp_path):
    (tmp_path / "data").mkdir()
    write_lines(tmp_path / "data" / "items.jsonl", ["", record(tags=["x", "y"])])
    (release,) = reader.read([tmp_path]).releases
    assert release.release_id == "data/items.jsonl#2"
    assert release.tags == ("x", "y")


def test_read_jsonl_id_field_serves_as_release_id(reader, tmp_path):
    path = write_lines(tmp_path / "items.jsonl", [record(id=42)])
    assert reader.read([path]).releases[0].release_id == "42"


def test_read_reports_bad_json_line_with_its_number_and_keeps_good_lines(reader, tmp_path):
    path = write_lines(tmp_path / "mixed.jsonl", [record(id="a"), "{not json", record(id="c")])
    result = reader.read([path])
    assert [release.release_id for release in result.releases] == ["a", "c"]
    error = only_error(result)
    assert (error.path, error.line) == (str(path), 2)
    assert error.message.startswith("invalid JSON: ")
    assert str(error).startswith(f"{path}:2: invalid JSON")


@pytest.mark.parametrize(("line", "message"), [
    ("[1, 2]", "expected a JSON object, got an array"),
    (json.dumps({"title": "No text"}), "no text"),
    (json.dumps({"text": "   "}), "no text"),
    (json.dumps({"text": 5}), "'text' must be a string, got a number"),
])
def test_read_reports_unusable_json_line(reader, tmp_path, line, message):
    path = write_lines(tmp_path / "bad.jsonl", [record(id="good"), line])
    result = reader.read([path])
    error = only_error(result)
    assert error.line == 2 and message in error.message
    assert [release.release_id for release in result.releases] == ["good"]


def test_read_reports_binary_file(reader, tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    error = only_error(reader.read([path]))
    assert (error.path, error.message, error.line) == (str(path), "binary file, not text", None)


def test_read_reports_bad_utf8_with_its_byte_offset(reader, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\u00e9 news.".encode("latin-1"))
    assert only_error(reader.read([path])).message == "not valid UTF-8 (byte 3)"


def test_read_reports_bad_utf8_in_jsonl_line_with_file_offset(reader, tmp_path):
    path = tmp_path / "items.jsonl"
    first = record(id="a").encode("utf-8") + b"\n"
    path.write_bytes(first + b'{"id": "b", "text": "caf\xe9"}\n')
    error = only_error(reader.read([path]))
    assert error.line == 2 and error.message == f"not valid UTF-8 (byte {len(first) + 24})"


def test_read_reports_corrupt_gzip(reader, tmp_path):
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(b"this is not gzip at all")
    error = only_error(reader.read([path]))
    assert error.message.startswith("corrupt gzip file")


def test_read_keeps_lines_before_truncated_gzip_damage(reader, tmp_path):
    lines = [record(id=str(number), text="Words " * 200) for number in range(50)]
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    result = reader.read([path])
    assert only_error(result).message.startswith("corrupt gzip file")
    assert 0 < len(result.releases) < 50


def test_read_reports_unsupported_file_given_explicitly(reader, tmp_path):
    path = tmp_path / "report.odt"
    path.write_bytes(b"PK\x03\x04")
    result = reader.read([path])
    assert only_error(result).message == (
        "unsupported file type '.odt'; supported: .txt, .md, .jsonl, .jsonl.gz, .html, .htm, .pdf, .docx")
    assert result.files == []


def test_read_skips_unsupported_and_hidden_files_in_a_folder(reader, tmp_path):
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "old.txt").write_text("Old words.", encoding="utf-8")
    (tmp_path / ".draft.txt").write_text("Draft words.", encoding="utf-8")
    (tmp_path / "scan.odt").write_bytes(b"PK")
    (tmp_path / "kept.txt").write_text("Kept words.", encoding="utf-8")
    result = reader.read([tmp_path])
    assert [release.release_id for release in result.releases] == ["kept.txt"]
    assert result.errors == [] and result.files == [str(tmp_path / "kept.txt")]


def test_read_reports_missing_path_and_reads_the_rest(reader, tmp_path):
    missing = tmp_path / "nowhere"
    result = reader.read([missing, SEED])
    assert only_error(result) == ReadError(str(missing), "no such file or folder")
    assert len(result.releases) == 1
    assert result.roots == [str(missing), str(SEED)]


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.jsonl"])
def test_read_reports_empty_file_as_no_text(reader, tmp_path, name):
    path = tmp_path / name
    path.write_text("\n  \n", encoding="utf-8")
    assert only_error(reader.read([path])).message == "no text"


def test_read_reports_release_that_cleans_to_nothing(reader, tmp_path):
    path = tmp_path / "marker.txt"
    path.write_text("###\n", encoding="utf-8")
    assert "no text" in only_error(reader.read([path])).message


def test_read_keeps_first_of_duplicate_ids_and_names_both_places(reader, tmp_path):
    first = write_lines(tmp_path / "a.jsonl", [record(id="same", title="First")])
    second = write_lines(tmp_path / "b.jsonl", [record(id="other"), record(id="same", title="Second")])
    result = reader.read([tmp_path])
    assert [release.title for release in result.releases] == ["First", "A title"]
    error = only_error(result)
    assert (error.path, error.line) == (str(second), 2)
    assert "'same'" in error.message and f"{first}:1" in error.message and f"{second}:2" in error.message


def test_read_the_same_file_twice_reads_it_once(reader, tmp_path):
    path = write_lines(tmp_path / "a.jsonl", [record(id="one")])
    result = reader.read([tmp_path, path])
    assert len(result.releases) == 1 and result.errors == [] and result.files == [str(path)]


def test_iter_files_lists_supported_files_sorted_with_their_root(reader, corpus):
    (corpus / "notes.odt").write_bytes(b"PK")
    files = reader.iter_files([corpus, SEED])
    assert files == [
        (corpus / ASEAN_NAME, corpus),
        (corpus / "seed" / SEED_NAME, corpus),
        (corpus / "wh.jsonl", corpus),
        (SEED, SEED.parent),
    ]


def test_read_accepts_a_single_path(reader):
    assert len(reader.read(str(SEED)).releases) == 1


def test_read_lists_absolute_roots_and_files(reader, corpus, monkeypatch):
    monkeypatch.chdir(corpus.parent)
    result = reader.read(["corpus"])
    assert result.roots == [str(corpus)]
    assert all(Path(file).is_absolute() for file in result.files) and len(result.files) == 3


def test_read_with_progress_draws_on_stderr(reader, corpus, capsys):
    reader.read([corpus], progress=True)
    captured = capsys.readouterr()
    assert "reading releases" in captured.err and captured.out == ""


def seed_lines():
    """The seed release's lines, wrapped as a PDF or a Word file would hold them."""
    return [line for line in SEED.read_text(encoding="utf-8").splitlines()]


def test_read_html_pdf_and_docx_files_in_a_folder_like_text_releases(reader, tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "water.html").write_text(PAGE, encoding="utf-8")
    paragraphs = [block.replace("\n", " ") for block in SEED.read_text(encoding="utf-8").split("\n\n")]
    (tmp_path / "seed.docx").write_bytes(docx_bytes([block for block in paragraphs if block.strip()]))
    result = reader.read([tmp_path])
    assert result.errors == []
    releases = {release.release_id: release for release in result.releases}
    assert set(releases) == {"web/water.html", "seed.docx"}
    water = releases["web/water.html"]
    assert (water.title, water.date) == ("Cambodia and Japan sign water agreement", "2023-03-01")
    assert water.source_url == "https://www.mfaic.gov.kh/posts/2023-03-01-water"
    assert water.source == "www.mfaic.gov.kh" and water.text.startswith("On 1 March 2023")
    seed = releases["seed.docx"]
    assert seed.source == "Ministry of Foreign Affairs and International Cooperation"
    assert "co-chaired by H.E. Retno Marsudi" in seed.text and "Fax" not in seed.text


def test_read_pdf_of_the_seed_gives_the_same_release_text_as_the_txt(reader, tmp_path):
    lines = []
    for line in seed_lines():
        lines.extend(textwrap.wrap(line, 90) or [""])
    path = tmp_path / "seed.pdf"
    path.write_bytes(pdf_bytes([lines[:40], lines[40:]]))
    from_pdf = reader.read([path]).releases[0]
    from_txt = reader.read([SEED]).releases[0]
    assert (from_pdf.title, from_pdf.date, from_pdf.source) == (from_txt.title, from_txt.date, from_txt.source)
    assert from_pdf.text == from_txt.text


def test_read_reports_a_damaged_pdf_and_reads_the_rest(reader, tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    shutil.copy(SEED, tmp_path / SEED_NAME)
    result = reader.read([tmp_path])
    error = only_error(result)
    assert error.path == str(tmp_path / "broken.pdf") and error.message.startswith("not a readable PDF")
    assert [release.release_id for release in result.releases] == [SEED_NAME]


@pytest.mark.parametrize("name", ["many.jsonl", "many.jsonl.gz"])
def test_qa_ingest_applies_the_upload_record_limit(tmp_path, name):
    import gzip

    lines = b"".join(b'{"title": "T%d", "text": "Tiny release %d."}\n' % (n, n) for n in range(30))
    path = tmp_path / name
    path.write_bytes(gzip.compress(lines) if name.endswith(".gz") else lines)
    (tmp_path / "good.txt").write_text("Salt council\n\nThe envoy met the salt council.\n")
    result = ReleaseReader(max_records=20).read([tmp_path])
    assert [release.release_id for release in result.releases] == ["good.txt"]
    [error] = result.errors
    assert "records, over the limit of 20 a file" in error.message and "--max-records" in error.message
    assert len(ReleaseReader(max_records=30).read([path]).releases) == 30
