"""Word-level checks of a generated sentence against its evidence: numbers, names and polarity.

Each catches a claim that embedding similarity lets through: a number or a name the release
never gives, or the opposite of what it says (negation, or an antonym such as support/oppose).

Example:
    numbers_in("over the next three years")  # {"3"}
    says_opposite("Russia opposed the plan.", "Russia supported the plan.")  # True
"""

from __future__ import annotations

import re

from qa.index.bm25 import stem_words
from qa.language.aliases import ALIASES, normalise
from qa.language.lexicon import NUMBER_WORDS

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
CAPITALISED = re.compile(r"(?<![\w'])[A-Z][\w'\u2019.-]*\w|(?<![\w'])[A-Z](?![\w'])")
NEGATIONS = {"not", "no", "never", "neither", "nor", "without", "none", "nothing", "cannot"}
ANTONYMS = [tuple(stem_words(pair)) for pair in (
    ("support", "oppose"), ("agree", "disagree"), ("increase", "decrease"), ("accept", "reject"),
    ("welcome", "condemn"), ("strengthen", "weaken"), ("expand", "reduce"), ("approve", "reject"),
    ("raise", "lower"), ("open", "close"), ("lift", "impose"), ("allow", "prohibit"), ("allow", "ban"),
    ("include", "exclude"), ("grant", "deny"), ("win", "lose"), ("praise", "criticize"), ("praise", "criticise"))]


def numbers_in(text: str) -> set[str]:
    """The numbers a text gives, in digits or words, written alike: "1,500" -> "1500", "three" -> "3"."""
    numbers = set()
    for match in NUMBER.finditer(text):
        value = match.group(0).replace(",", "")
        numbers.add(str(int(value)) if value.isdigit() else value.rstrip("."))
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in NUMBER_WORDS:
            numbers.add(str(NUMBER_WORDS[word]))
    return numbers


def name_runs(text: str) -> list[list[str]]:
    """Runs of capitalised words ("United States", "Hun Sen"), less the first word of the sentence
    or of a clause after a colon, which is capitalised anyway."""
    runs: list[list[str]] = []
    previous_end = -2
    for match in CAPITALISED.finditer(text):
        before = text[: match.start()].rstrip()
        word = re.sub(r"['\u2019]s$", "", match.group(0)).rstrip(".")
        if not before or before.endswith((":", '"', "\u201c", "(")):
            previous_end = -2  # a sentence opener: not a name on its own, and it starts no run
            continue
        if word.lower() in NEGATIONS or word.lower() in NUMBER_WORDS:
            previous_end = -2
            continue
        if runs and match.start() == previous_end + 1 and text[previous_end] == " ":
            runs[-1].append(word)
        else:
            runs.append([word])
        previous_end = match.end()
    return runs


def name_run_in(run: list[str], evidence: str) -> bool:
    """The whole run is in the evidence (or an alias of it), or else each of its words is.

    `evidence` is text as `qa.language.aliases.normalise` writes it."""
    return _name_in(" ".join(run), evidence) or all(_name_in(word, evidence) for word in run)


def _name_in(name: str, evidence: str) -> bool:
    wanted = normalise(name)
    if re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", evidence):
        return True
    for group in ALIASES:
        if wanted in group and any(re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", evidence) for alias in group):
            return True
    # "ASEAN-Russia", "Biden-Harris": each capitalised part is a name ("ASEAN-led": only ASEAN).
    parts = re.split(r"[-\u2013]", name)
    names = [part for part in parts if part[:1].isupper()]
    return len(parts) > 1 and bool(names) and all(_name_in(part, evidence) for part in names)


def _polarity_words(text: str) -> tuple[bool, set[str]]:
    words = re.findall(r"[\w']+", text.lower())
    negated = any(word in NEGATIONS or word.endswith("n't") for word in words)
    return negated, set(stem_words(words))


def says_opposite(generated: str, evidence: str) -> bool:
    """Negated on one side only, or an antonym of a word of the evidence in place of that word."""
    generated_negated, generated_stems = _polarity_words(generated)
    evidence_negated, evidence_stems = _polarity_words(evidence)
    if generated_negated != evidence_negated:
        return True
    for first, second in ANTONYMS:
        for word, opposite in ((first, second), (second, first)):
            if word in generated_stems and opposite in evidence_stems and word not in evidence_stems:
                return True
    return False
