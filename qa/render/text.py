"""Plain text for the terminal (`qa ask`, `qa points`, `qa timeline`): no markup, and no control
characters: `terminal_text` shows them escaped, so a release can neither clear the screen, colour
it, move the cursor nor make a link (ESC, CSI and OSC sequences, C0 and C1 characters).

Example:
    print(answer_text(assistant.ask("Who co-chaired the meeting?")))
"""

from __future__ import annotations

import json
import re

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
    return terminal_text("\n".join(lines))


def points_text(briefing) -> str:
    """Talking points (a `Briefing`): a heading, one line per point with its [n], the sources."""
    if not briefing.points:
        return f"No talking points on {briefing.topic!r}: the releases hold no relevant sentence."
    order = "newest release first" if briefing.order == "newest" else "grouped by release"
    lines = [f"Talking points: {briefing.topic} ({len(briefing.points)} points, {order})", ""]
    lines += [f"- {point.text} [{point.citation.n}]" for point in briefing.points]
    return terminal_text("\n".join(lines + ["", sources_text(briefing.sources())]))


def timeline_text(timeline) -> str:
    """A `Timeline`: a heading, each release's date and title over its sentence, the sources."""
    if not timeline.entries:
        return f"No releases on {timeline.topic!r}: the releases hold no relevant sentence."
    lines = [f"Timeline: {timeline.topic} ({len(timeline.entries)} releases, oldest first)", ""]
    for entry in timeline.entries:
        lines.append(f"{entry.date or 'undated'}  {entry.title}")
        lines.append(f"    {entry.sentence} [{entry.citation.n}]")
    return terminal_text("\n".join(lines + ["", sources_text(timeline.sources())]))


def sources_text(citations) -> str:
    """ "Sources:", then per number "[n] Title (date) - release id" and the release's address."""
    lines = ["Sources:"]
    for source in source_list(citations):
        lines.append(source_line_text(source))
        if source.url:
            lines.append(f"    {source.url}")
    return terminal_text("\n".join(lines))


def source_line_text(source: Source) -> str:
    return f"[{source.numbers[0]}] {source.title} ({source.date}) - {source.release_id}"


# C0 controls but tab and line feed, DEL, and C1 controls (U+0080-U+009F: CSI and OSC among them).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_text(text: str) -> str:
    """`text` with every control character shown as `\\xNN`: "\\x1b[2J" is printed, not obeyed."""
    return CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", str(text))


def json_text(data) -> str:
    """`data` as one line of JSON that a terminal shows as it is: json escapes C0 controls
    itself, and here DEL and C1 controls are escaped too (as \\u00NN, still valid JSON)."""
    encoded = json.dumps(data, ensure_ascii=False)
    return CONTROL_CHARACTERS.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)
