"""Whether a sentence can stand alone as a talking point: one a briefer could paste and say.

A talking point is a sentence of a release quoted without the sentences around it, so it must
be complete and say who did what by itself. Not fit:
  - a capitalised operative or preamble clause of a joint statement ("ESTABLISH the ...",
    "REAFFIRMING ...", "WE, the Member States ..."), or any clause ending in ";";
  - a fact-sheet heading before the sentence ("Humanitarian Assistance: The conflict ...");
  - speech: a spoken aside or stage direction ("one of the main topics of our lunch will be
    ...", "So, just quickly, ...", "we're about to kick off");
  - a sentence whose subject or opening points to an earlier one ("They also discussed ...",
    "To that end, ...", "With this in mind, ...", "These electric utilities ...").
A sentence of the last kind may still be a point with the sentence before it, when that one
stands alone ("President Biden spoke with ... . They discussed ..."): `StandAlonePoints`.
Tuned on tests/data/talking_point_labels.jsonl (its first 278 labels were written before this check).

Example:
    unfit_reason("STRENGTHEN practical cooperation in maritime security;")  # "clause of a statement"
    unfit_reason("The Quad is committed to a free and open Indo-Pacific.")  # None
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.index.snapshot import IndexSnapshot, StoredSentence
from qa.records import Hit

LEANS_ON_EARLIER = "refers to an earlier sentence"

# "ESTABLISH the ...", "REAFFIRMING ...", "WE, the ...": a capitalised verb before a lowercase word;
# an acronym ("ASEAN and ...", "AUKUS is ...") is shorter or is not a verb form.
OPERATIVE_CLAUSE = re.compile(r"^(?:WE,|[A-Z]{2,}(?:ING|ED)\b|[A-Z]{6,}\s+(?=[a-z]))")
CLAUSE_END = re.compile(r";[\"'\u201d\u2019)\]]*\s*$")
# "Fighting COVID-19: The United States ..." (a heading in title case, then the sentence).
HEADING = re.compile(r"^([^,:;.]{3,80}):\s+(?=[A-Z])")
SPOKEN = re.compile(
    r"^(?:So|And|But|Well|Now|Look|Okay|OK|Yes|No|Very|Just|Thanks|Thank you)\b"
    r"|\b(?:I|I['\u2019](?:m|d|ve|ll)|my|you|your|you know)\b"
    r"|\b\w+n['\u2019]t\b|\b(?:we|they|you)['\u2019](?:re|ve|ll|d)\b"  # contractions: speech, not a release
    r"|\b(?:our lunch|our dinner|here today|kick off)\b|\w-\s+\u2014")  # "the Indones- — Indo-Pacific ..."
# "They also discussed ...", "Finally, they ...", "Throughout their visit they ...", "The two discussed ..."
PRONOUN_SUBJECT = re.compile(
    r"^(?:(?:\w+\s+)?(?:He|She|They|It|he|she|they)\b|[^,]{0,40},\s+(?:he|she|they)\b"
    r"|\w+\s+(?:their|his|her)\s+\w+\s+(?:they|he|she)\b|The two\s+\w+ed\b)")
TIME_WORDS = r"(?:year|week|month|morning|afternoon|evening|spring|summer|fall|autumn|winter)"
# "To that end, ...", "With this in mind, ...", "This Roundtable's goal ...", "... these aims."
EARLIER_REFERENCE = re.compile(
    rf"^(?:(?:This|These|That|Those|Such)\s+(?!{TIME_WORDS}\b)"
    rf"|In doing so\b|Accordingly\b|Likewise\b|Similarly\b|To that end\b"
    rf"|(?:\S+\s+){{0,5}}?(?:this|these)\b(?!\s+{TIME_WORDS}\b)[^,]{{0,25}},)|\bthese\b"
    rf"|\bthis\s+(?!{TIME_WORDS}\b)\w+[.!]$")  # "... the importance of this summit."


def unfit_reason(text: str) -> str | None:
    """Why `text` cannot stand alone as a talking point, or None when it can."""
    text = text.strip()
    if OPERATIVE_CLAUSE.match(text) or CLAUSE_END.search(text):
        return "clause of a statement"
    heading = HEADING.match(text)
    if heading and _title_case(heading.group(1)):
        return "heading before the sentence"
    if SPOKEN.search(text):
        return "spoken"
    if PRONOUN_SUBJECT.match(text) or EARLIER_REFERENCE.search(text):
        return LEANS_ON_EARLIER
    return None


def _title_case(words: str) -> bool:
    """A heading: at most 8 words, most of them capitalised ("Investing in Clean Energy Infrastructure")."""
    split = words.split()
    return len(split) <= 8 and sum(word[:1].isupper() or word[:1].isdigit() for word in split) * 2 > len(split)


class StandAlonePoints:
    """The `fit` of `TopicSentenceFinder.find` for talking points: a candidate as it is when it stands
    alone; joined to the sentence before it (same paragraph) when it leans on that one and that one
    stands alone; otherwise dropped.

    Example:
        found = finder.find(topic, vector, fit=StandAlonePoints(snapshot))
    """

    def __init__(self, snapshot: IndexSnapshot, max_chars: int = 600):
        self.snapshot = snapshot
        self.max_chars = max_chars

    def __call__(self, sentence: StoredSentence, text: str, hit: Hit) -> tuple[StoredSentence, str, Hit] | None:
        reason = unfit_reason(text)
        if reason is None:
            return sentence, text, hit
        if reason != LEANS_ON_EARLIER:
            return None
        return self._with_previous(sentence, hit)

    def _with_previous(self, sentence: StoredSentence, hit: Hit) -> tuple[StoredSentence, str, Hit] | None:
        earlier = [s for s in self.snapshot.release_sentences(sentence.release_id) if s.char_end <= sentence.char_start]
        if not earlier or earlier[-1].paragraph != sentence.paragraph:
            return None
        release_text = self.snapshot.release_text(sentence.release_id)
        previous = earlier[-1]
        if unfit_reason(release_text[previous.char_start:previous.char_end]) is not None:
            return None
        joined = replace(sentence, char_start=previous.char_start)  # keeps the sentence's id: its vector
        text = release_text[joined.char_start:joined.char_end]
        chunk_id = self.snapshot.chunk_holding(joined)
        if chunk_id is None or len(text) > self.max_chars or "\n" in text:
            return None
        return joined, text, replace(hit, chunk_id=chunk_id)
