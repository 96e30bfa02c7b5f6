"""Manifest: every file's size and checksum recorded, what does not match named, the format checked."""

import json

import pytest

from qa.errors import IndexFormatError
from qa.index.manifest import FORMAT_VERSION, MANIFEST_FILE, check_format, file_digests, verify, write_manifest
from qa.index.store import IndexStore


@pytest.fixture
def generation(tmp_path):
    """A small generation folder whose manifest matches its two files."""
    folder = tmp_path / "gen-000001"
    (folder / "bm25").mkdir(parents=True)
    (folder / "meta.sqlite").write_bytes(b"rows" * 100)
    (folder / "bm25" / "params.json").write_text("{}")
    write_manifest(folder, {"model": "fake", "counts": {}, "files": file_digests(folder)})
    return folder


def test_manifest_records_size_and_checksum_of_every_file(fake_index):
    folder = IndexStore(fake_index).live().folder
    files = json.loads((folder / MANIFEST_FILE).read_text())["files"]
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_FILE}
    assert set(files) == on_disk and {"chunks.faiss", "meta.sqlite", "sentence_vectors.npy"} <= on_disk
    assert all(entry["size"] == (folder / name).stat().st_size and len(entry["sha256"]) == 64
               for name, entry in files.items())
    assert verify(folder, checksums=True)[1] == []


def test_verify_gives_the_manifest_and_no_problems_for_an_intact_generation(generation):
    manifest, problems = verify(generation, checksums=True)
    assert problems == [] and set(manifest["files"]) == {"meta.sqlite", "bm25/params.json"}


def test_verify_names_a_truncated_and_a_missing_file(generation):
    (generation / "meta.sqlite").write_bytes(b"rows")
    (generation / "bm25" / "params.json").unlink()
    assert verify(generation)[1] == ["bm25/params.json: missing",
                                     "meta.sqlite: 4 bytes, the manifest says 400 (truncated or replaced)"]


def test_verify_sees_changed_content_of_the_same_size_only_with_checksums(generation):
    (generation / "meta.sqlite").write_bytes(b"ROWS" * 100)
    assert verify(generation, checksums=False)[1] == []
    assert "meta.sqlite: its content differs" in verify(generation, checksums=True)[1][0]


@pytest.mark.parametrize(("content", "problem"), [
    (None, "manifest.json is missing"),
    ("{not json", "manifest.json cannot be read (JSONDecodeError)"),
    ('{"files": {}}', "manifest.json is not an index manifest"),
])
def test_verify_names_a_missing_or_unreadable_manifest(tmp_path, content, problem):
    if content is not None:
        (tmp_path / MANIFEST_FILE).write_text(content)
    assert verify(tmp_path) == ({}, [problem])


def test_check_format_refuses_another_format_and_says_how_to_rebuild(tmp_path):
    check_format(tmp_path, {"format_version": FORMAT_VERSION})
    with pytest.raises(IndexFormatError, match=f"has format 1, this version reads format {FORMAT_VERSION}.*--rebuild"):
        check_format(tmp_path, {"format_version": 1})
