"""Package versions recorded in an index's manifest."""

from qa.versions import PACKAGES, package_versions


def test_every_package_the_index_depends_on_has_a_version():
    versions = package_versions()
    assert list(versions) == list(PACKAGES)
    assert all(versions[name] != "not installed" for name in ("faiss-cpu", "bm25s", "sentence-transformers"))
