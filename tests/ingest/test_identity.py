"""Release identity: the same release is replaced, a different one with the same name is added."""

from qa.config import Settings
from qa.ingest.identity import ReleaseIdentity, is_file_identified
from qa.ingest.pipeline import Ingestor
from qa.records import Release
from qa.index.snapshot import IndexSnapshot

from ..fakes import FakeEmbedder


def release(release_id, origin):
    return Release(release_id, "A title", "2022-01-01", "source", "Some text.", origin=origin)


def ingest(index_dir, paths):
    return Ingestor(Settings(index_dir=index_dir), embedder=FakeEmbedder(), progress=False).run(paths)


def test_an_id_taken_by_another_file_gets_its_parent_folders_in_front():
    identity = ReleaseIdentity({"statement.txt": "/data/a/2021/statement.txt"})
    assigned = identity.assign([release("statement.txt", "/data/a/2022/statement.txt"),
                                release("statement.txt", "/data/b/2022/statement.txt"),
                                release("statement.txt", "/data/a/2021/statement.txt")])
    assert [item.release_id for item in assigned] == ["2022/statement.txt", "b/2022/statement.txt", "statement.txt"]


def test_the_same_file_read_from_another_folder_keeps_its_stored_id():
    identity = ReleaseIdentity({"seed/note.txt": "/w/corpus/seed/note.txt"})
    [assigned] = identity.assign([release("note.txt", "/w/corpus/seed/note.txt")])
    assert assigned.release_id == "seed/note.txt"


def test_a_jsonl_id_is_the_release_whatever_file_it_comes_from():
    identity = ReleaseIdentity({"doc-1": "/w/old.jsonl"})
    [assigned] = identity.assign([release("doc-1", "/w/new.jsonl")])
    assert assigned.release_id == "doc-1" and not is_file_identified(assigned)


def test_same_named_files_from_two_folders_are_two_answerable_releases(tmp_path):
    for year, story in (("2021", "The envoy opened the Kampot port."), ("2022", "The minister visited Battambang.")):
        (tmp_path / "a" / year).mkdir(parents=True)
        (tmp_path / "a" / year / "statement.txt").write_text(f"Statement {year}\n\n1 May {year}\n\n{story}")
    index_dir = tmp_path / "index"
    first = ingest(index_dir, [tmp_path / "a" / "2021" / "statement.txt"])
    second = ingest(index_dir, [tmp_path / "a" / "2022" / "statement.txt"])
    assert first.added == ["statement.txt"] and second.added == ["2022/statement.txt"] and not second.updated
    releases = IndexSnapshot.open(index_dir).releases
    assert {"statement.txt", "2022/statement.txt"} <= set(releases)
    both = ingest(index_dir, [tmp_path / "a" / "2021" / "statement.txt", tmp_path / "a" / "2022" / "statement.txt"])
    assert len(both.unchanged) == 2 and not both.errors


def test_the_summary_names_the_releases_it_replaced(tmp_path, small_corpus):
    index_dir = tmp_path / "index"
    ingest(index_dir, [small_corpus])
    seed = next((small_corpus / "seed").glob("*.txt"))
    seed.write_text(seed.read_text().replace("co-chaired", "jointly chaired"))
    report = ingest(index_dir, [small_corpus / "seed"])  # the folder inside the one first ingested
    assert report.updated == [f"seed/{seed.name}"] and not report.added and not report.removed
    assert f"updated 1 (seed/{seed.name})" in report.summary()
