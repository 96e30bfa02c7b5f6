import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest

from qa.config import Settings
from qa.errors import ModelMismatchError
from qa.ingest.pipeline import Ingestor
from qa.index.snapshot import IndexSnapshot
from qa.index.store import IndexStore

from ..fakes import FakeEmbedder


def ingest(index_dir, paths, embedder=None, **kwargs):
    embedder = embedder or FakeEmbedder()
    return Ingestor(Settings(index_dir=index_dir), embedder=embedder, progress=False).run(paths, **kwargs)


def test_first_ingest_adds_every_release(tmp_path, small_corpus):
    report = ingest(tmp_path / "index", [small_corpus])
    assert len(report.added) == 4 and not report.errors
    assert "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt" in report.added
    manifest = IndexStore(tmp_path / "index").manifest()
    assert manifest["model"] == "fake-hash-embedder"
    assert manifest["counts"]["releases"] == 4
    assert manifest["chunking"]["max_tokens"] <= FakeEmbedder.max_content_tokens
    assert "faiss-cpu" in manifest["versions"]


def test_reingest_of_unchanged_files_embeds_nothing(tmp_path, small_corpus):
    ingest(tmp_path / "index", [small_corpus])
    embedder = FakeEmbedder()
    report = ingest(tmp_path / "index", [small_corpus], embedder)
    assert embedder.embedded_texts == []
    assert len(report.unchanged) == 4 and not report.added and not report.updated
    assert "skipped 4 unchanged" in report.summary()


def test_changed_release_is_reembedded_and_removed_file_is_dropped(tmp_path, small_corpus):
    ingest(tmp_path / "index", [small_corpus])
    seed = next((small_corpus / "seed").glob("*.txt"))
    seed.write_text(seed.read_text().replace("co-chaired", "jointly chaired"))
    removed = sorted((small_corpus / "asean-md").glob("*.md"))[0]
    removed.unlink()
    embedder = FakeEmbedder()
    report = ingest(tmp_path / "index", [small_corpus], embedder)
    assert report.updated == ["seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"]
    assert report.removed == [f"asean-md/{removed.name}"]
    assert all("jointly chaired" in text or "Outcomes" in text for text in embedder.embedded_texts)
    snapshot = IndexSnapshot.open(tmp_path / "index")
    assert set(snapshot.releases) == {"seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"} | {
        f"asean-md/{path.name}" for path in (small_corpus / "asean-md").glob("*.md")}
    assert snapshot.chunk_index.ntotal == len(snapshot.chunk_ids)
    assert len(snapshot.sentence_ids) == snapshot.manifest["counts"]["sentences"]


def test_ingesting_another_folder_keeps_the_first(tmp_path, small_corpus):
    ingest(tmp_path / "index", [small_corpus / "seed"])
    report = ingest(tmp_path / "index", [small_corpus / "asean-md"])
    assert not report.removed
    assert IndexStore(tmp_path / "index").manifest()["counts"]["releases"] == 4


def test_bad_files_are_reported_and_good_files_still_go_in(tmp_path, small_corpus):
    (small_corpus / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (small_corpus / "latin1.txt").write_bytes("Caf\xe9 release".encode("latin-1"))
    lines = [json.dumps({"doc_id": "good-1", "title": "Good", "date": "2022-01-02", "text": "A good release."}),
             "{not json", json.dumps({"doc_id": "good-2", "title": "Also good", "text": "Another one."})]
    (small_corpus / "batch.jsonl").write_text("\n".join(lines) + "\n")
    report = ingest(tmp_path / "index", [small_corpus])
    messages = [str(error) for error in report.errors]
    assert any("binary.txt" in m for m in messages)
    assert any("latin1.txt" in m and "UTF-8" in m for m in messages)
    assert any("batch.jsonl:2" in m for m in messages)
    assert {"good-1", "good-2"} <= set(report.added)
    assert len(report.added) == 6


def test_unreadable_file_keeps_its_release_in_the_index(tmp_path, small_corpus):
    ingest(tmp_path / "index", [small_corpus])
    seed = next((small_corpus / "seed").glob("*.txt"))
    seed.write_bytes(b"\xff\xfe broken now")
    report = ingest(tmp_path / "index", [small_corpus])
    assert not report.removed and report.errors
    assert "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt" in IndexSnapshot.open(tmp_path / "index").releases


def test_index_built_with_another_model_is_refused(tmp_path, small_corpus):
    ingest(tmp_path / "index", [small_corpus])
    settings = Settings(index_dir=tmp_path / "index", model="some/other-model")
    with pytest.raises(ModelMismatchError, match="fake-hash-embedder.*some/other-model"):
        Ingestor(settings, embedder=FakeEmbedder(), progress=False).run([small_corpus])


def test_crash_during_ingest_leaves_the_previous_index_usable(tmp_path, small_corpus, monkeypatch):
    index_dir = tmp_path / "index"
    ingest(index_dir, [small_corpus])
    before = IndexStore(index_dir).current_generation()
    (small_corpus / "new.txt").write_text("New release\n\n6 July 2022\n\nSomething new happened today.")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # as if Ctrl-C hit while the FAISS file was being written

    monkeypatch.setattr("qa.index.writer.IndexWriter._write_chunk_vectors", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest(index_dir, [small_corpus])
    assert IndexStore(index_dir).current_generation() == before
    assert "new.txt" not in IndexSnapshot.open(index_dir).releases
    assert not list(index_dir.glob("*.partial"))
    monkeypatch.undo()
    report = ingest(index_dir, [small_corpus])
    assert report.added == ["new.txt"]


def test_killed_ingest_process_leaves_the_previous_index_usable(tmp_path, small_corpus):
    index_dir = tmp_path / "index"
    ingest(index_dir, [small_corpus])
    before = IndexStore(index_dir).current_generation()
    for number in range(30):
        (small_corpus / f"extra-{number}.txt").write_text(f"Extra {number}\n\n1 May 2022\n\n" + "Words here. " * 300)
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(os.path.dirname(__file__))!r} + "/../..")
        import qa.index.writer as writer
        from tests.fakes import FakeEmbedder
        from qa.config import Settings
        from qa.ingest.pipeline import Ingestor
        original = writer._write_sentence_vectors
        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no finally: a real crash
        writer._write_sentence_vectors = die
        Ingestor(Settings(index_dir={str(index_dir)!r}), embedder=FakeEmbedder(), progress=False).run([{str(small_corpus)!r}])
    """)
    process = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert process.returncode == -signal.SIGKILL
    assert IndexStore(index_dir).current_generation() == before
    assert len(IndexSnapshot.open(index_dir).releases) == 4
    report = ingest(index_dir, [small_corpus])
    assert len(report.added) == 30
    assert not list(index_dir.glob("*.partial"))


def test_a_text_cleaning_would_empty_is_kept_whole_and_the_report_says_so(tmp_path):
    (tmp_path / "contacts.txt").write_text("Tel: +855 23 216 122\nFax: +855 23 216 144\n")
    report = ingest(tmp_path / "index", [tmp_path / "contacts.txt"])
    assert report.added == ["contacts.txt"]
    assert any("contacts.txt" in note and "kept the text" in note for note in report.notes)
    assert "216 122" in IndexSnapshot.open(tmp_path / "index").release_text("contacts.txt")


def test_a_bad_front_matter_date_is_undated_with_a_note_and_the_batch_goes_in(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number, date in enumerate(["0000-00-00", "2021-02-30", "2021-13-01"]):
        (corpus / f"bad-date-{number}.md").write_text(
            f"---\ntitle: Envoy visit {number}\ndate: {date}\n---\nThe envoy visited Kampot on Tuesday.\n")
    (corpus / "good.txt").write_text("Salt council\n\n9 July 2022\n\nThe envoy met the Kampot salt council.\n")
    report = Ingestor(Settings(index_dir=tmp_path / "index"), embedder=fake_embedder, progress=False).run([corpus])
    assert sorted(report.added) == ["bad-date-0.md", "bad-date-1.md", "bad-date-2.md", "good.txt"]
    assert report.errors == [] and sum("is not a valid date" in note for note in report.notes) == 3
    releases = IndexSnapshot.open(tmp_path / "index").releases
    assert releases["bad-date-1.md"].date is None and releases["good.txt"].date == "2022-07-09"


@pytest.mark.slow
def test_a_sentence_of_a_million_characters_is_cut_and_the_batch_goes_in(tmp_path, fake_embedder):
    """A base64 blob (under the character limit) once crashed the entity tagger (spaCy's 1,000,000)."""
    import base64
    import random

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    blob = base64.b64encode(random.Random(7).randbytes(760_000)).decode()  # 1,013,336 characters
    (corpus / "blob.txt").write_text(f"Data annex\n\n3 May 2022\n\nThe annex follows. {blob}\n")
    (corpus / "good.txt").write_text("Salt council\n\n9 July 2022\n\nThe envoy met the Kampot salt council.\n")
    report = Ingestor(Settings(index_dir=tmp_path / "index"), embedder=fake_embedder, progress=False).run([corpus])
    assert sorted(report.added) == ["blob.txt", "good.txt"] and report.errors == []
    assert any("blob.txt" in note and "cut into pieces of 5,000 characters" in note for note in report.notes)


def disk_fills_after(files: int):
    """shutil.copyfile that copies `files` files, then fails as a full disk does."""
    import errno

    real_copyfile = shutil.copyfile
    copied = []

    def copyfile(source, destination, **kwargs):
        if len(copied) >= files:
            raise OSError(errno.ENOSPC, "No space left on device", str(destination))
        copied.append(destination)
        return real_copyfile(source, destination, **kwargs)

    return copyfile


@pytest.mark.parametrize("where", ["copying the live generation", "writing the vectors"])
def test_a_full_disk_is_one_line_and_leaves_the_live_generation_alone(tmp_path, small_corpus, fake_embedder,
                                                                        monkeypatch, capsys, where):
    import faiss

    from qa.cli import main

    index_dir = tmp_path / "index"
    Ingestor(Settings(index_dir=index_dir), embedder=fake_embedder, progress=False).run([small_corpus])
    before = sorted(path.name for path in index_dir.iterdir())
    (small_corpus / "later.txt").write_text("Salt council\n\n9 July 2022\n\nThe envoy met the salt council.\n")
    if where == "copying the live generation":
        monkeypatch.setattr(shutil, "copyfile", disk_fills_after(2))
    else:
        def write_index(index, path):
            raise RuntimeError("Error in faiss::FileIOWriter: fwrite failed: No space left on device")
        monkeypatch.setattr(faiss, "write_index", write_index)
    monkeypatch.setattr("qa.ingest.pipeline.Ingestor.embedder", property(lambda self: fake_embedder))
    assert main(["ingest", str(small_corpus), "--index", str(index_dir), "--quiet"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and f"the disk holding {str(index_dir)!r} is full" in error
    assert "MB free" in error and "Traceback" not in error
    assert sorted(path.name for path in index_dir.iterdir()) == before  # no gen-*.partial left
    assert "later.txt" not in IndexSnapshot.open(index_dir).releases
