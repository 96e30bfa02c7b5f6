"""Uploads: safe names, size limit, allowed types, bad files reported, good ones answerable at once."""

import json
from pathlib import Path

import pytest

from qa import Assistant
from qa.config import Settings
from qa.errors import QAError
from qa.ingest.uploads import Uploads, safe_file_name

from .test_converters import PAGE, pdf_bytes


@pytest.mark.parametrize("name, safe", [
    ("statement.html", "statement.html"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\evil.md", "evil.md"),
    ("/abs/path/release.PDF", "release.pdf"),
    ("..html", "upload.html"),
    (".hidden.txt", "hidden.txt"),
    ("a <b> & c?.docx", "a -b- - c.docx"),
    ("Déclaration conjointe.txt", "Déclaration conjointe.txt"),
    ("x" * 300 + ".jsonl", "x" * 114 + ".jsonl"),
])
def test_upload_names_stay_inside_the_uploads_folder(name, safe):
    assert safe_file_name(name) == safe


@pytest.mark.parametrize("name", ["run.sh", "archive.jsonl.gz.exe", "notes", "page.php"])
def test_upload_of_another_type_is_refused_naming_the_types_accepted(name):
    with pytest.raises(QAError, match=r"is not accepted; upload one of .txt, .md, .html, .htm, .pdf"):
        safe_file_name(name)


@pytest.fixture
def assistant(fake_index, fake_embedder):
    return Assistant.open(fake_index, embedder=fake_embedder)


@pytest.fixture
def settings(tmp_path, assistant):
    return Settings(index_dir=assistant.settings.index_dir, corpus_dir=tmp_path / "corpus",
                    max_upload_mb=1)


def uploaded(tmp_path, name, data):
    """A file as Gradio hands it over: in a temporary folder, under the name it was uploaded with."""
    folder = tmp_path / "gradio-tmp" / str(len(list(tmp_path.glob("gradio-tmp/*"))))
    folder.mkdir(parents=True)
    path = folder / name
    path.write_bytes(data)
    return path


def test_uploaded_html_is_saved_under_corpus_uploads_and_answerable_at_once(tmp_path, settings, assistant):
    releases_before = assistant.status().releases
    report = Uploads(settings).add(assistant, [uploaded(tmp_path, "water.html", PAGE.encode())])
    [file] = report.files
    assert file.ok and file.saved_as == str((settings.corpus_dir / "uploads" / "water.html").resolve())
    assert file.message == ("water.html: added: 'Cambodia and Japan sign water agreement' (2023-03-01), "
                            "answerable now")
    assert assistant.status().releases == releases_before + 1
    answer = assistant.ask("How much will Japan provide for the water treatment plant?")
    assert answer.citations[0].release_id == "water.html"


def test_unreadable_file_is_reported_by_name_and_the_others_still_go_in(tmp_path, settings, assistant):
    files = [uploaded(tmp_path, "scan.pdf", pdf_bytes([[]])), uploaded(tmp_path, "water.html", PAGE.encode())]
    report = Uploads(settings).add(assistant, files)
    assert [file.name for file in report.refused] == ["scan.pdf"]
    assert report.refused[0].message == "scan.pdf: not added: no text in the PDF (a scan? run it through OCR first)"
    assert [file.name for file in report.added] == ["water.html"]
    assert sorted(path.name for path in (settings.corpus_dir / "uploads").iterdir()) == [".staging", "water.html"]


def test_failed_upload_leaves_an_earlier_file_of_that_name_in_place(tmp_path, settings, assistant):
    uploads = Uploads(settings)
    uploads.add(assistant, [uploaded(tmp_path, "water.html", PAGE.encode())])
    report = uploads.add(assistant, [uploaded(tmp_path, "water.html", b"<html><script>x()</script></html>")])
    assert not report.files[0].ok and "no text in the HTML page" in report.files[0].message
    assert (settings.corpus_dir / "uploads" / "water.html").read_bytes() == PAGE.encode()


def test_same_upload_again_is_reported_unchanged(tmp_path, settings, assistant):
    uploads = Uploads(settings)
    uploads.add(assistant, [uploaded(tmp_path, "water.html", PAGE.encode())])
    report = uploads.add(assistant, [uploaded(tmp_path, "water.html", PAGE.encode())])
    assert report.files[0].message.startswith("water.html: already in the index, unchanged")


def test_upload_over_the_size_limit_is_refused_with_the_limit(tmp_path, settings, assistant):
    big = uploaded(tmp_path, "big.txt", b"Words. " * 200_000)
    report = Uploads(settings).add(assistant, [big])
    assert report.files[0].message == ("big.txt: not added: 1.3 MB is over the upload limit of 1 MB "
                                       "(QA_MAX_UPLOAD_MB)")
    assert not (settings.corpus_dir / "uploads" / "big.txt").exists()


def test_traversal_name_is_saved_inside_the_uploads_folder(tmp_path, settings, assistant):
    path = uploaded(tmp_path, "water.html", PAGE.encode())
    report = Uploads(settings).add(assistant, [path], names=["../../../outside.html"])
    assert report.files[0].saved_as == str((settings.corpus_dir / "uploads" / "outside.html").resolve())
    assert not (tmp_path / "outside.html").exists()


def test_jsonl_upload_keeps_good_lines_and_names_the_bad_ones(tmp_path, settings, assistant):
    lines = b'{"id": "j1", "title": "Water", "date": "2023-03-01", "text": "Japan gives a grant."}\n{oops\n'
    report = Uploads(settings).add(assistant, [uploaded(tmp_path, "batch.jsonl", lines)])
    assert report.files[0].ok
    assert report.files[0].message.endswith("; skipped line 2: invalid JSON: Expecting property name enclosed "
                                            "in double quotes (column 2)")


def test_uploads_can_be_turned_off(tmp_path, settings, assistant):
    with pytest.raises(QAError, match="uploads are turned off"):
        Uploads(settings.with_values(allow_uploads=False)).add(assistant, [tmp_path / "any.txt"])


STORY_A = b"Mekong water talks\n\n3 March 2023\n\nThe ministers signed a water-sharing accord in Pakse.\n"
STORY_B = b"Rice export deal\n\n4 March 2023\n\nThe two governments agreed a rice quota of 200,000 tonnes.\n"


def test_a_different_release_under_a_used_name_is_added_beside_it(tmp_path, settings, assistant):
    uploads = Uploads(settings)
    first = uploads.add(assistant, [uploaded(tmp_path, "press-release.txt", STORY_A)]).files[0]
    second = uploads.add(assistant, [uploaded(tmp_path, "press-release.txt", STORY_B)]).files[0]
    assert first.saved_as.endswith("/press-release.txt") and second.saved_as.endswith("/press-release-2.txt")
    assert "added" in second.message and "updated" not in second.message
    assert (settings.corpus_dir / "uploads" / "press-release.txt").read_bytes() == STORY_A
    assert {"press-release.txt", "press-release-2.txt"} <= set(assistant.snapshot.releases)
    again = uploads.add(assistant, [uploaded(tmp_path, "press-release.txt", STORY_B)]).files[0]
    assert again.saved_as == second.saved_as and "unchanged" in again.message


def test_two_files_of_one_name_in_one_upload_are_both_kept(tmp_path, settings, assistant):
    report = Uploads(settings).add(assistant, [uploaded(tmp_path, "note.txt", STORY_A),
                                               uploaded(tmp_path, "note.txt", STORY_B)])
    assert [Path(file.saved_as).name for file in report.files] == ["note.txt", "note-2.txt"]
    assert {"note.txt", "note-2.txt"} <= set(assistant.snapshot.releases)


def expanding_docx(xml_megabytes: int) -> bytes:
    """A small .docx whose document.xml unzips to `xml_megabytes` MB (one paragraph repeated)."""
    import io
    import zipfile

    from .test_converters import docx_bytes

    source = zipfile.ZipFile(io.BytesIO(docx_bytes(["seed"])))
    paragraph = "<w:p><w:r><w:t>" + "The ministers met again. " * 40 + "</w:t></w:r></w:p>"
    body = paragraph * (xml_megabytes * 1024 * 1024 // len(paragraph))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + body.encode(), 1)
            target.writestr(item, data)
    return out.getvalue()


def test_a_docx_that_expands_past_the_limit_is_refused_within_seconds(tmp_path, settings, assistant):
    import time

    data = expanding_docx(40)  # 40 MB of XML in well under 1 MB: over the 2,000,000-character limit's 20 MB
    assert len(data) < settings.max_upload_mb * 1024 * 1024
    started = time.perf_counter()
    [file] = Uploads(settings).add(assistant, [uploaded(tmp_path, "bomb.docx", data)]).files
    assert time.perf_counter() - started < 3
    assert not file.ok and "over the limit of 2,000,000 characters" in file.message
    assert not list((settings.corpus_dir / "uploads").glob("*.docx"))


def test_a_text_over_the_character_limit_is_refused_and_not_kept(tmp_path, settings, assistant):
    small = settings.with_values(max_chars=5_000)
    [file] = Uploads(small).add(assistant, [uploaded(tmp_path, "long.txt", b"Long release\n\n" + b"Word. " * 2000)]).files
    assert not file.ok and "12,0" in file.message and "over the limit of 5,000 characters" in file.message
    assert not (settings.corpus_dir / "uploads" / "long.txt").exists()


@pytest.mark.slow
def test_a_big_upload_does_not_hold_up_questions(tmp_path, sample_index, real_embedder):
    """A 1.5 MB release embeds in a child process while questions go on: none waits over 2 s."""
    import shutil
    import threading
    import time

    from qa.ingest.background_ingest import BackgroundIngest

    from ..conftest import white_house_lines

    index_dir = shutil.copytree(sample_index, tmp_path / "index")
    settings = Settings(index_dir=index_dir, corpus_dir=tmp_path / "corpus")
    assistant = Assistant.open(index_dir, embedder=real_embedder)
    texts = [json.loads(line)["text"] for line in white_house_lines()]
    body = "\n\n".join(texts)[:1_500_000]
    data = ("Collected readouts\n\n1 June 2022\n\n" + body + "\n\nThe Kampot pepper envoy met the salt council.").encode()
    path = uploaded(tmp_path, "collected.txt", data)
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(
        report=Uploads(settings, ingest=BackgroundIngest(settings)).add(assistant, [path])))
    worker.start()
    latencies = []
    while worker.is_alive():
        started = time.perf_counter()
        assistant.ask("Who co-chaired the meeting?")
        latencies.append(time.perf_counter() - started)
        time.sleep(0.2)
    worker.join()
    [file] = outcome["report"].files
    assert file.ok, file.message
    assert len(latencies) > 20 and max(latencies) < 2.0, f"slowest question {max(latencies):.2f} s"
    assert "collected.txt" in assistant.snapshot.releases  # switched to the new generation when it was ready
    assert assistant.ask("Who met the salt council?").citations[0].release_id == "collected.txt"


def test_an_upload_whose_ingest_fails_removes_its_file(tmp_path, settings, assistant):
    from qa.index.store import IndexStore

    with IndexStore(settings.index_dir).locked():  # another ingest is writing
        with pytest.raises(QAError, match="another ingest is writing"):
            Uploads(settings).add(assistant, [uploaded(tmp_path, "water.html", PAGE.encode())])
    assert not (settings.corpus_dir / "uploads" / "water.html").exists()

    def killed(assistant, paths):
        raise QAError("adding the files failed (exit status -9)")

    with pytest.raises(QAError, match="exit status -9"):
        Uploads(settings, ingest=killed).add(assistant, [uploaded(tmp_path, "water.html", PAGE.encode())])
    assert not (settings.corpus_dir / "uploads" / "water.html").exists()


def test_a_failed_repeat_of_an_upload_keeps_the_file_the_index_holds(tmp_path, settings, assistant):
    Uploads(settings).add(assistant, [uploaded(tmp_path, "water.html", PAGE.encode())])

    def crashed(assistant, paths):
        raise RuntimeError("worker crashed")

    with pytest.raises(RuntimeError):
        Uploads(settings, ingest=crashed).add(assistant, [uploaded(tmp_path, "water.html", PAGE.encode())])
    assert (settings.corpus_dir / "uploads" / "water.html").read_bytes() == PAGE.encode()


def test_a_jsonl_upload_over_the_record_limit_is_refused_at_once(tmp_path, settings, assistant):
    import time

    lines = b"".join(b'{"title": "T%d", "text": "Tiny release %d."}\n' % (n, n) for n in range(100_000))
    started = time.perf_counter()
    [file] = Uploads(settings.with_values(max_upload_mb=20)).add(
        assistant, [uploaded(tmp_path, "many.jsonl", lines)]).files
    assert time.perf_counter() - started < 2
    assert not file.ok and "100,000 records, over the limit of 20,000 a file (QA_MAX_UPLOAD_RECORDS" in file.message
    assert not (settings.corpus_dir / "uploads" / "many.jsonl").exists()


class SlowChild:
    """A stand-in for `qa ingest --json` that reports progress, then works until it is stopped."""

    SCRIPT = ("import sys, time\n"
              "for done in (10, 40):\n"
              "    sys.stderr.write(f'\\rembedding chunks:  {done}%|###| {done}/100 [00:01<00:02]')\n"
              "    sys.stderr.flush()\n"
              "    time.sleep(0.3)\n"
              "time.sleep(60)\n")

    def command(self, paths):
        import sys

        return [sys.executable, "-c", self.SCRIPT]


def test_an_upload_shows_progress_and_can_be_cancelled(tmp_path, settings, assistant):
    import threading
    import time

    from qa.ingest.background_ingest import BackgroundIngest

    seen = []

    class Slow(SlowChild, BackgroundIngest):
        pass

    background = Slow(settings, progress=lambda share, stage: seen.append((share, stage)))
    threading.Thread(target=lambda: (time.sleep(1.5), background.cancel()), daemon=True).start()
    started = time.perf_counter()
    with pytest.raises(QAError, match="the upload was cancelled; its files were not added"):
        Uploads(settings, ingest=background).add(assistant, [uploaded(tmp_path, "water.html", PAGE.encode())])
    assert time.perf_counter() - started < 5
    assert seen == [(0.1, "embedding chunks"), (0.4, "embedding chunks")]
    assert not (settings.corpus_dir / "uploads" / "water.html").exists()
