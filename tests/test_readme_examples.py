"""The README's examples, run against an index of corpus/: what the README shows is what the code gives.

The examples are found in README.md itself, so a new one cannot go untested:
- every ```python block runs as it stands, in a folder whose `index` is a copy of the sample index (the
  gradio_client block against the app serving it); a `print(...)` line's comment is what it must print,
  "..." standing for any text;
- every runnable `qa ask` line of a ```bash block runs through `qa.cli.main` with `--index` added;
- every question the README quotes ("...?") and every topic it gives `qa points`, `qa timeline`,
  `talking_points(` or `timeline(` must be in QUESTIONS or TOPICS below, which say what the README
  claims of each; each is asked here and must give that.

When the answer stage changes an answer, update QUESTIONS and the README's text together: a README
that still shows the old answer fails here, and so does one that shows what QUESTIONS does not expect.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa import Filters, Settings
from qa.language.conversation import Conversation

from .conftest import REPO

README = REPO / "README.md"
SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"
CO_CHAIRED = "Who co-chaired the meeting?"
SPECIAL_MEETING = "Special ASEAN-Russia Foreign Ministers' Meeting"


@dataclass(frozen=True)
class Claim:
    """What the README says (or its examples show) one question gives on corpus/."""

    release: str | None = None  # the release cited first; None: not claimed
    holds: tuple[str, ...] = ()  # words the answer holds
    lacks: tuple[str, ...] = ()  # words the README says it does not hold (a known miss)
    short_answer: str | None = None  # exactly: None where the README shows no short answer
    earlier: tuple[str, ...] = ()  # the questions asked before it in the chat
    searched: str | None = None  # the question as searched (a follow-up rewritten)
    filters: Filters | None = None
    retrieved: str | None = None  # a sentence the retrieved passages (what a generator reads) must hold


# What the README claims of each question it quotes: the one place to update when an answer changes.
QUESTIONS = {
    # The span names one of the two co-chairs: a known miss the README owns up to.
    CO_CHAIRED: Claim(release=SEED_ID, holds=("Retno Marsudi", "Sergey Lavrov"), short_answer="Retno Marsudi"),
    "When was it held?": Claim(release=SEED_ID, holds=("On 6 July 2021",), short_answer="6 July 2021",
                               earlier=(CO_CHAIRED,), searched=f"When was the {SPECIAL_MEETING} held?"),
    f"When was the {SPECIAL_MEETING} held?": Claim(release=SEED_ID, holds=("On 6 July 2021",),
                                                  short_answer="6 July 2021"),
    # Filters: every release it cites is of 2022 or later.
    "What was agreed?": Claim(filters=Filters(date_from="2022-01-01")),
    # The generative example: the README shows no answer; the passages given to the model hold it.
    "What did Cambodia ask of Russia?": Claim(release=SEED_ID,
                                             retrieved="he encouraged Russia to increase high-level engagement"),
}
# Quoted questions that are not asked of the releases.
NOT_QUESTIONS = {"Why this answer?"}  # the name of the app's panel
# Topics the README gives talking points or a timeline for: each gives at least one.
TOPICS = {"ASEAN-Russia cooperation": "points", "vaccine cooperation with Russia": "points",
          "U.S.-ASEAN relations": "timeline", "ASEAN-Russia": "timeline"}
# A release the Python API example adds with `assistant.ingest(["new-releases/"])`.
NEW_RELEASE = ("Cambodia and Japan sign water agreement\n1 March 2023\n\nOn 1 March 2023, Cambodia and Japan "
               "signed an agreement on clean water supply for Siem Reap province.\n")


@dataclass(frozen=True)
class Block:
    """A fenced code block of the README: its language, first line number and code."""

    language: str
    line: int
    code: str

    def __str__(self) -> str:
        return f"README.md:{self.line}"


def readme_blocks(language: str) -> list[Block]:
    blocks, lines = [], README.read_text(encoding="utf-8").splitlines()
    opening = None
    for number, line in enumerate(lines, start=1):
        if line.startswith("```") and opening is None:
            opening = (number, line[3:].strip())
        elif line.startswith("```"):
            if opening[1] == language:
                blocks.append(Block(language, opening[0] + 1, "\n".join(lines[opening[0]:number - 1])))
            opening = None
    return blocks


def readme_questions() -> set[str]:
    return set(re.findall(r'"([A-Z][^"\n]*\?)"', README.read_text(encoding="utf-8"))) - NOT_QUESTIONS


def readme_topics() -> set[str]:
    return set(re.findall(r'(?:qa (?:points|timeline) |talking_points\(|timeline\()"([^"]+)"',
                          README.read_text(encoding="utf-8")))


def shown(comment: str) -> re.Pattern:
    """A print line's comment as a pattern: "..." stands for any text."""
    return re.compile(".*".join(re.escape(part) for part in comment.split("...")), re.DOTALL)


def run_block(block: Block, url: str | None = None) -> dict[int, list[str]]:
    """Runs a README block in the current folder; returns what each line of it printed."""
    printed: dict[int, list[str]] = defaultdict(list)

    def capture(*values, sep=" ", end="\n", file=None, flush=False):
        printed[sys._getframe(1).f_lineno].append(sep.join(str(value) for value in values))

    code = block.code if url is None else block.code.replace("http://127.0.0.1:7860/", url)
    exec(compile(code, str(block), "exec"), {"__name__": "readme_example", "print": capture})  # noqa: S102
    return printed


@pytest.fixture(scope="module")
def app_url(sample_index, real_embedder, tmp_path_factory):
    """The app over the sample index, with a feedback file of its own (the README's /feedback call writes one)."""
    from .test_browser import served

    feedback_db = tmp_path_factory.mktemp("readme-feedback") / "feedback.sqlite"
    with served(Settings(index_dir=sample_index, feedback_db=feedback_db), real_embedder) as url:
        yield url


@pytest.fixture
def example_folder(sample_index, real_embedder, tmp_path, monkeypatch):
    """A folder as the README's examples assume: the index in `index/`, releases to add in `new-releases/`."""
    shutil.copytree(sample_index, tmp_path / "index")
    (tmp_path / "new-releases").mkdir()
    (tmp_path / "new-releases" / "water-agreement.txt").write_text(NEW_RELEASE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("qa.index.embedder.Embedder", lambda *args, **kwargs: real_embedder)  # loaded once
    return tmp_path


def test_every_question_and_topic_the_readme_shows_is_checked_here():  # not slow: it only reads the README
    assert readme_questions() - QUESTIONS.keys() - {claim.searched for claim in QUESTIONS.values()} == set(), \
        "add what the README claims of these questions to QUESTIONS"
    assert readme_topics() - TOPICS.keys() == set(), "add these topics to TOPICS"
    assert readme_blocks("python") and readme_blocks("bash")


@pytest.mark.slow
@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_each_readme_question_gives_what_the_readme_claims(sample_assistant, question):
    claim = QUESTIONS[question]
    answer = Conversation(sample_assistant).ask(question, list(claim.earlier), claim.filters)
    assert answer.searched == claim.searched
    assert answer.found and answer.citations, answer.answer
    assert answer.short_answer == claim.short_answer
    if claim.release:
        assert answer.citations[0].release_id == claim.release
    for words in claim.holds:
        assert words in answer.answer
    for words in claim.lacks:
        assert words not in answer.answer
    if claim.filters and claim.filters.date_from:
        assert all(citation.date >= claim.filters.date_from for citation in answer.citations)
    if claim.retrieved:
        hits = sample_assistant.search(answer.searched or question, filters=claim.filters)
        assert any(claim.retrieved in sample_assistant.snapshot.chunk_text(hit.chunk_id) for hit in hits)


@pytest.mark.slow
@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_each_readme_topic_gives_points_or_a_timeline(sample_assistant, topic):
    if TOPICS[topic] == "points":
        assert sample_assistant.talking_points(topic).points
    else:
        assert sample_assistant.timeline(topic).entries


@pytest.mark.slow
@pytest.mark.parametrize("block", readme_blocks("python"), ids=str)
def test_readme_python_block_prints_what_its_comments_show(block, example_folder, request):
    url = request.getfixturevalue("app_url") if "gradio_client" in block.code else None
    printed = run_block(block, url)
    for number, line in enumerate(block.code.splitlines(), start=1):
        code, _, comment = line.partition("  # ")
        if code.lstrip().startswith("print(") and comment:
            output = "\n".join(printed[number])
            assert shown(comment.strip()).fullmatch(output), \
                f"README.md:{block.line + number - 1} shows {comment.strip()!r}; it prints {output!r}"


def cli_lines() -> list[tuple[str, list[str], str]]:
    """The README's runnable `qa ask` lines (not the usage lines, whose options stand in brackets),
    with the comment after each ("" when none)."""
    found = []
    for block in readme_blocks("bash"):
        for number, line in enumerate(block.code.splitlines()):
            if line.startswith("qa ask ") and "[" not in line and '"..."' not in line:
                comment = line.split("  # ", 1)[1].strip() if "  # " in line else ""
                found.append((f"README.md:{block.line + number}", shlex.split(line, comments=True)[1:], comment))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("where, arguments, comment", cli_lines(), ids=[where for where, *_ in cli_lines()])
def test_readme_qa_ask_lines_run(where, arguments, comment, example_folder, capsys):
    from qa.cli import main

    assert main([*arguments, "--index", "index"]) == 0, capsys.readouterr().err
    output = capsys.readouterr().out
    if "--json" in arguments:
        assert json.loads(output)["found"]
    if "--expect" in arguments:  # the verdict the README's comment shows; "verdict: right" when it shows none
        assert output.strip().splitlines()[-1].startswith(comment or "verdict: right"), output
