"""The source list every format ends with: which [n] cite which release, and what names it.

Example:
    for source in source_list(answer.citations):
        print(source.numbers, source.reference, source.link)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qa.records import Citation


@dataclass(frozen=True)
class Source:
    """One entry of a source list: the numbers [n] that cite a release, and its first citation."""

    numbers: tuple[int, ...]
    citation: Citation

    @property
    def release_id(self) -> str:
        return self.citation.release_id

    @property
    def title(self) -> str:
        """The release's title, or its id when it has none."""
        return self.citation.title or self.citation.release_id

    @property
    def date(self) -> str:
        return self.citation.date or "undated"

    @property
    def url(self) -> str | None:
        """The release's address as it gives it (the terminal prints any)."""
        return self.citation.source_url

    @property
    def link(self) -> str | None:
        """The address when it is one a document may link to (http or https), else None."""
        return self.url if (self.url or "").startswith(("http://", "https://")) else None

    @property
    def reference(self) -> str:
        """The exports' text for the release: "Title, 2021-07-06 (release id)"."""
        return f"{self.title}, {self.date} ({self.release_id})"


def source_list(citations: Iterable[Citation], by_release: bool = False) -> list[Source]:
    """The numbered source list of `citations`.

    By default one entry per number [n], in number order (the first citation of each number).
    With `by_release`, one entry per release with every number citing it, in the order the
    releases are first cited: the chat's "[1] [3] Title (date)".
    """
    numbers: dict[object, list[int]] = {}
    first: dict[object, Citation] = {}
    for citation in citations:
        key = citation.release_id if by_release else citation.n
        if citation.n not in numbers.setdefault(key, []):
            numbers[key].append(citation.n)
        first.setdefault(key, citation)
    keys = first if by_release else sorted(first)
    return [Source(tuple(numbers[key]), first[key]) for key in keys]
