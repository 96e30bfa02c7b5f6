"""The numbered sources of a briefing: a topic sentence's citation and the source list.

Points and timeline entries cite their release by number, 1, 2, 3 ... in the order releases
are first cited, and list each source once.

Example:
    numbers = source_numbers(["seed/a.txt", "asean-md/b.txt", "seed/a.txt"])  # {"seed/a.txt": 1, ...}
    citation = sentence_citation(snapshot, numbers[item.release_id], item)
"""

from __future__ import annotations

from qa.briefing.topic_sentences import TopicSentence
from qa.index.snapshot import IndexSnapshot
from qa.records import Citation


def sentence_citation(snapshot: IndexSnapshot, n: int, item: TopicSentence) -> Citation:
    """The citation of a topic sentence: its chunk as the passage, the sentence to highlight."""
    chunk = snapshot.chunk(item.hit.chunk_id)
    release = snapshot.releases[item.release_id]
    return Citation(n=n, release_id=item.release_id, title=release.title, date=release.date,
                    passage=snapshot.chunk_text(item.hit.chunk_id), char_start=chunk.char_start,
                    char_end=chunk.char_end, score=item.relevance, source_url=release.source_url,
                    source=release.source, paragraph=chunk.paragraph, sentence=item.text,
                    sentence_start=item.sentence.char_start, sentence_end=item.sentence.char_end)


def source_numbers(release_ids) -> dict[str, int]:
    """1, 2, 3 ... for releases in the order they are first cited."""
    numbers: dict[str, int] = {}
    for release_id in release_ids:
        numbers.setdefault(release_id, len(numbers) + 1)
    return numbers


def unique_sources(citations) -> list[Citation]:
    """One citation per source number, in number order: the numbered source list."""
    by_number: dict[int, Citation] = {}
    for citation in citations:
        by_number.setdefault(citation.n, citation)
    return [by_number[n] for n in sorted(by_number)]
