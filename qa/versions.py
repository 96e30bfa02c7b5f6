"""Versions of the packages an index depends on, recorded in its manifest."""

from importlib import metadata

PACKAGES = ("releaseqa", "sentence-transformers", "transformers", "torch", "faiss-cpu", "bm25s", "syntok")


def package_versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions
