"""IndexStore: damage named in one line, fallback to a generation that verifies, nothing deleted."""

import os
import sqlite3

import pytest

from qa.assistant import Assistant, IndexStatus
from qa.cli import main
from qa.config import Settings
from qa.errors import IndexDamagedError, IndexNotFoundError
from qa.ingest.pipeline import Ingestor
from qa.index.snapshot import IndexSnapshot
from qa.index.manifest import MANIFEST_FILE
from qa.index.store import CURRENT_FILE, IndexStore

from ..fakes import FakeEmbedder

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


def ingest(index_dir, paths, **kwargs):
    return Ingestor(Settings(index_dir=index_dir), embedder=FakeEmbedder(), progress=False).run(paths, **kwargs)


@pytest.fixture
def two_generations(tmp_path, small_corpus):
    """An index whose live generation added `later.txt` to the previous one's four releases."""
    index_dir = tmp_path / "index"
    ingest(index_dir, [small_corpus])
    (small_corpus / "later.txt").write_text("A later release\n\n7 July 2022\n\nThe ministers met again in Phnom Penh.")
    ingest(index_dir, [small_corpus])
    return index_dir


def live_file(index_dir, name):
    return IndexStore(index_dir).live().folder / name


def overwrite_middle(path, data=b"\x13\x37" * 64):
    with open(path, "r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(data)


@pytest.mark.parametrize("damage", ["truncate", "overwrite"])
def test_a_damaged_only_generation_is_named_in_one_line(fake_index, damage):
    faiss_file = live_file(fake_index, "chunks.faiss")
    if damage == "truncate":
        os.truncate(faiss_file, faiss_file.stat().st_size // 3)
    else:
        overwrite_middle(faiss_file)  # same size: only the checksum sees it
    with pytest.raises(IndexDamagedError, match=r"chunks\.faiss.*--rebuild") as caught:
        IndexSnapshot.open(fake_index)
    assert "\n" not in str(caught.value)


def test_a_damaged_sqlite_file_is_detected(fake_index):
    overwrite_middle(live_file(fake_index, "meta.sqlite"), b"\x00garbage" * 512)
    with pytest.raises(IndexDamagedError, match="meta.sqlite"):
        IndexSnapshot.open(fake_index)


def test_a_damaged_live_generation_falls_back_to_the_previous_one(two_generations):
    os.truncate(live_file(two_generations, "chunks.faiss"), 100)
    snapshot = IndexSnapshot.open(two_generations)
    assert "later.txt" not in snapshot.releases and SEED_ID in snapshot.releases
    assert any("damaged" in warning and "chunks.faiss" in warning for warning in snapshot.warnings)
    assert any("answering from gen-000001" in warning for warning in snapshot.warnings)


def test_damage_only_loading_finds_also_falls_back(two_generations, monkeypatch):
    # Files bigger than the checksum limit are checked by size only; loading them must still fail safely.
    monkeypatch.setattr("qa.index.manifest.CHEAP_CHECKSUM_BYTES", 0)
    with open(live_file(two_generations, "meta.sqlite"), "r+b") as handle:
        handle.write(b"not a database header")
    snapshot = IndexSnapshot.open(two_generations)
    assert "later.txt" not in snapshot.releases
    assert any("gen-000002 is damaged" in warning for warning in snapshot.warnings)


def test_status_reports_damage_and_exits_non_zero(two_generations, capsys):
    os.truncate(live_file(two_generations, "chunks.faiss"), 100)
    assert main(["status", "--index", str(two_generations)]) == 1
    captured = capsys.readouterr()
    assert "releases: 4" in captured.out and "generation: gen-000001" in captured.out
    assert "chunks.faiss" in captured.err


def test_check_verifies_every_checksum(fake_index, capsys, monkeypatch):
    monkeypatch.setattr("qa.index.manifest.CHEAP_CHECKSUM_BYTES", 0)  # opening checks sizes only now
    overwrite_middle(live_file(fake_index, "sentence_vectors.npy"))
    assert IndexStatus.read(fake_index).warnings == ()
    assert main(["check", "--index", str(fake_index)]) == 1
    assert "sentence_vectors.npy" in capsys.readouterr().err


def test_check_passes_on_an_intact_index(fake_index, capsys):
    assert main(["check", "--index", str(fake_index)]) == 0
    assert "every file matches" in capsys.readouterr().out


def test_missing_current_is_rebuilt_from_the_newest_generation(two_generations, small_corpus):
    (two_generations / CURRENT_FILE).unlink()
    assert "later.txt" in IndexSnapshot.open(two_generations).releases
    report = ingest(two_generations, [small_corpus / "seed"])  # the advice once given: ingest again
    assert any("CURRENT is missing" in warning for warning in report.warnings)
    assert (two_generations / CURRENT_FILE).read_text().strip() == "gen-000002"
    assert len(IndexSnapshot.open(two_generations).releases) == 5


def test_a_missing_manifest_never_loses_the_releases(tmp_path, small_corpus):
    index_dir = tmp_path / "index"
    ingest(index_dir, [small_corpus])
    (live_file(index_dir, MANIFEST_FILE)).unlink()
    assert IndexStore(index_dir).exists()
    with pytest.raises(IndexDamagedError, match="manifest.json is missing.*--rebuild"):
        ingest(index_dir, [small_corpus / "seed"])
    assert (index_dir / "gen-000001" / "meta.sqlite").is_file()
    report = ingest(index_dir, [small_corpus / "seed"], rebuild=True)
    assert report.added == ["mfaic-2021-07-06-asean-russia-special-fmm.txt"]
    assert (index_dir / "gen-000001" / "meta.sqlite").is_file()  # the damaged one is kept for the user


def test_ingest_after_a_fallback_keeps_the_newer_damaged_generation(two_generations, small_corpus):
    os.truncate(live_file(two_generations, "chunks.faiss"), 100)
    (small_corpus / "third.txt").write_text("A third release\n\n8 July 2022\n\nThe envoys met in Siem Reap.")
    report = ingest(two_generations, [small_corpus])
    assert "third.txt" in report.added and any("damaged" in warning for warning in report.warnings)
    assert (two_generations / "gen-000002").is_dir()  # passed over, not deleted
    assert IndexStore(two_generations).live().folder.name == "gen-000003"


def test_app_start_on_a_damaged_index_builds_nothing(tmp_path, small_corpus):
    import app

    index_dir = tmp_path / "index"
    ingest(index_dir, [small_corpus])
    (live_file(index_dir, MANIFEST_FILE)).unlink()
    settings = Settings(index_dir=index_dir, corpus_dir=small_corpus)
    with pytest.raises(IndexDamagedError):
        app.open_assistant(settings, embedder=FakeEmbedder())
    assert (index_dir / "gen-000001" / "meta.sqlite").is_file()
    assert not (index_dir / "gen-000002").exists()


def test_a_sqlite_file_that_is_not_a_database_is_refused_before_queries(fake_index, monkeypatch):
    monkeypatch.setattr("qa.index.manifest.CHEAP_CHECKSUM_BYTES", 0)
    path = live_file(fake_index, "meta.sqlite")
    path.write_bytes(b"x" * path.stat().st_size)
    with pytest.raises(IndexDamagedError, match="meta.sqlite|not a database"):
        IndexSnapshot.open(fake_index)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT 1 FROM releases")


def test_no_index_at_all_still_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexNotFoundError, match="qa ingest corpus/"):
        IndexSnapshot.open(tmp_path / "nothing")


def test_the_app_answers_from_a_generation_the_cli_made(fake_index, small_corpus):
    assistant = Assistant.open(fake_index, embedder=FakeEmbedder())
    assert not assistant.refresh()
    (small_corpus / "cli.txt").write_text("Added from the CLI\n\n9 July 2022\n\nThe Mekong envoy visited Kampot.")
    ingest(fake_index, [small_corpus])  # another process, as far as `assistant` knows
    assert assistant.refresh()
    assert "cli.txt" in assistant.snapshot.releases and assistant.status().releases == 5


def test_a_lost_manifest_in_the_middle_never_loses_the_release_only_it_holds(two_generations, tmp_path, capsys):
    """gen-000002 alone holds later.txt; with its manifest gone, building on gen-000001 would lose it."""
    (two_generations / "gen-000002" / MANIFEST_FILE).unlink()
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.txt").write_text("A new release\n\n9 July 2022\n\nThe envoys met in Kampot.")
    with pytest.raises(IndexDamagedError, match=r"gen-000002 is newer than gen-000001.*later\.txt.*--rebuild"):
        ingest(two_generations, [extra])
    assert {path.name for path in two_generations.glob("gen-*")} == {"gen-000001", "gen-000002"}
    assert main(["check", "--index", str(two_generations)]) == 1
    assert "gen-000002 holds 1 release(s) gen-000001 lacks: later.txt" in capsys.readouterr().out


def test_an_ingest_that_brings_the_newer_generations_releases_may_build_on_the_older(two_generations, small_corpus):
    (two_generations / "gen-000002" / MANIFEST_FILE).unlink()
    report = ingest(two_generations, [small_corpus])  # later.txt is among the files: nothing to lose
    assert report.added == ["later.txt"]
    assert "later.txt" in IndexSnapshot.open(two_generations).releases


def test_generations_are_removed_only_when_the_new_one_replaces_them(two_generations, small_corpus, tmp_path):
    (small_corpus / "third.txt").write_text("A third release\n\n8 July 2022\n\nThe envoys met in Siem Reap.")
    ingest(two_generations, [small_corpus])
    assert not (two_generations / "gen-000001").exists()  # gen-000003 was built from gen-000002, built from it
    other = tmp_path / "other"
    other.mkdir()
    (other / "only.txt").write_text("Only release\n\n1 June 2022\n\nThe delegates met in Kep.")
    ingest(two_generations, [other], rebuild=True)  # gen-000004 holds only.txt, built from nothing
    ingest(two_generations, [other])  # unchanged: nothing written
    (other / "two.txt").write_text("Second release\n\n2 June 2022\n\nThe delegates met in Kampot.")
    ingest(two_generations, [other])  # gen-000005 from gen-000004
    names = {path.name for path in two_generations.glob("gen-*")}
    assert {"gen-000002", "gen-000003"} <= names  # hold releases gen-000005 lacks: kept
    assert IndexStore(two_generations).lineage(two_generations / "gen-000005") == {"gen-000005", "gen-000004"}
def rewrite_manifest(folder, **changes):
    import json

    path = folder / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    for key, value in changes.items():
        if key == "file_size":
            manifest["files"]["meta.sqlite"]["size"] = value
        else:
            manifest[key] = value
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize("changes, named", [
    ({"file_size": "abc"}, "files.meta.sqlite.size"), ({"files": []}, "files"), ({"counts": "x"}, "counts"),
    ({"files": {"/dev/zero": {"size": 1, "sha256": "0" * 64}}}, "'/dev/zero' is not a relative path"),
    ({"files": {"../gen-000001/meta.sqlite": {"size": 1, "sha256": "0" * 64}}}, "not a relative path"),
    ({"dimension": "384"}, "dimension")])
def test_a_manifest_of_the_wrong_shape_marks_its_generation_damaged(two_generations, small_corpus, capsys,
                                                                     monkeypatch, changes, named):
    import app

    rewrite_manifest(IndexStore(two_generations).live().folder, **changes)
    assert main(["status", "--index", str(two_generations)]) == 1
    captured = capsys.readouterr()
    assert "generation: gen-000001" in captured.out and "manifest.json is not valid" in captured.err
    assert named in captured.err
    assert main(["check", "--index", str(two_generations)]) == 1
    assert "gen-000002 is damaged: manifest.json is not valid" in capsys.readouterr().err
    assistant, _ = app.open_assistant(Settings(index_dir=two_generations, corpus_dir=small_corpus),
                                      embedder=FakeEmbedder())
    assert assistant.status().releases == 4
    monkeypatch.setattr("qa.ingest.pipeline.Ingestor.embedder", property(lambda self: FakeEmbedder()))
    assert main(["ingest", str(small_corpus), "--index", str(two_generations), "--quiet"]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def test_a_file_entry_that_is_a_link_is_not_read(fake_index):
    folder = IndexStore(fake_index).live().folder
    (folder / "chunks.faiss").unlink()
    (folder / "chunks.faiss").symlink_to("/dev/zero")
    with pytest.raises(IndexDamagedError, match="chunks.faiss: not a regular file"):
        IndexStore(fake_index).live(checksums=True)


def test_damage_found_while_answering_with_no_other_generation_is_one_line(fake_index):
    assistant = Assistant.open(fake_index, embedder=FakeEmbedder())
    database = live_file(fake_index, "meta.sqlite")
    database.write_bytes(b"\x13\x37" * (database.stat().st_size // 2))
    with pytest.raises(IndexDamagedError, match=r"generation gen-000001 is damaged \(file is not a database\)") as error:
        assistant.ask("Who co-chaired the meeting?")
    assert "\n" not in str(error.value)
