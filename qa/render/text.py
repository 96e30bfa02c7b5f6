"""Plain text for the terminal (`qa ask`, `qa points`, `qa timeline`): nothing is escaped.

Example:
    print(answer_text(assistant.ask("Who co-chaired the meeting?")))
"""

from __future__ import annotations

from qa.records import Answer
from qa.render.sources import Source, source_list


def answer_text(answer: Answer) -> str:
    """The answer, its short answer, then each citation with the sentence (or passage) it cites."""
    lines = [answer.answer]
    if answer.short_answer:
        lines.append(f"Short answer: {answer.short_answer}")
    lines.append("")
    lines.append("Sources:" if answer.found else "Closest passages:")
    for source in source_list(answer.citations):
        lines.append(source_line_text(source))
        lines.append(f"    {source.citation.sentence or source.citation.passage}")
    return "\n".join(lines)


def points_text(briefing) -> str:
    """Talking points (a `Briefing`): a heading, one line per point with its [n], the sources."""
    if not briefing.points:
        return f"No talking points on {briefing.topic!r}: the releases hold no relevant sentence."
    order = "newest release first" if briefing.order == "newest" else "grouped by release"
    lines = [f"Talking points: {briefing.topic} ({len(briefing.points)} points, {order})", ""]
    lines += [f"- {point.text} [{point.citation.n}]" for point in briefing.points]
    return "\n".join(lines + ["", sources_text(briefing.sources())])


def timeline_text(timeline) -> str:
    """A `Timeline`: a heading, each release's date and title over its sentence, the sources."""
    if not timeline.entries:
        return f"No releases on {timeline.topic!r}: the releases hold no relevant sentence."
    lines = [f"Timeline: {timeline.topic} ({len(timeline.entries)} releases, oldest first)", ""]
    for entry in timeline.entries:
        lines.append(f"{entry.date or 'undated'}  {entry.title}")
        lines.append(f"    {entry.sentence} [{entry.citation.n}]")
    return "\n".join(lines + ["", sources_text(timeline.sources())])


def sources_text(citations) -> str:
    """ "Sources:", then per number "[n] Title (date) - release id" and the release's address."""
    lines = ["Sources:"]
    for source in source_list(citations):
        lines.append(source_line_text(source))
        if source.url:
            lines.append(f"    {source.url}")
    return "\n".join(lines)


def source_line_text(source: Source) -> str:
    return f"[{source.numbers[0]}] {source.title} ({source.date}) - {source.release_id}"
