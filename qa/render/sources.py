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


@dataclass(frozen=True)
class PassageCard:
    """One source card: every citation of one passage, whichever release it was cited from.

    A release published twice (the same text under two ids, as a file name with a stray
    character) gives the same passage twice; its card shows it once, with every number [n]
    citing it, the other releases' ids as aliases, and each cited sentence marked.

    Example:
        card = passage_cards(answer.citations)[0]
        card.numbers, card.release_id, card.aliases, card.marks()  # (1, 2), "a.md", ("a%ef%bf%bc.md",), [(8, 20)]
    """

    citations: tuple[Citation, ...]

    @property
    def citation(self) -> Citation:
        """The first citation: its release gives the card's title, date, source and link."""
        return self.citations[0]

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(citation.n for citation in self.citations))

    @property
    def release_id(self) -> str:
        return self.citation.release_id

    @property
    def aliases(self) -> tuple[str, ...]:
        """The other releases that hold the same passage, in citation order."""
        cited = (release_id for c in self.citations for release_id in (c.release_id, *c.aliases))
        return tuple(release_id for release_id in dict.fromkeys(cited) if release_id != self.release_id)

    def marks(self) -> list[tuple[int, int]]:
        """The cited sentences as (start, end) offsets in the card's passage, in order, overlaps joined."""
        spans = sorted(span for span in map(self._sentence_span, self.citations) if span)
        joined: list[tuple[int, int]] = []
        for start, end in spans:
            if joined and start <= joined[-1][1]:
                joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
            else:
                joined.append((start, end))
        return joined

    def _sentence_span(self, citation: Citation) -> tuple[int, int] | None:
        passage = self.citation.passage
        if citation.sentence_start is None or citation.sentence_end is None:
            return None
        start, end = citation.sentence_start - citation.char_start, citation.sentence_end - citation.char_start
        if citation.passage != passage:  # the same words spaced otherwise: find the sentence in the shown text
            start = passage.find(citation.sentence or "\0")
            end = start + len(citation.sentence or "")
        return (start, end) if 0 <= start < end <= len(passage) else None


def passage_cards(citations: Iterable[Citation]) -> list[PassageCard]:
    """One card per distinct passage text (spaces aside), in the order the passages are first cited."""
    groups: dict[str, list[Citation]] = {}
    for citation in citations:
        groups.setdefault(" ".join(citation.passage.split()), []).append(citation)
    return [PassageCard(tuple(group)) for group in groups.values()]
