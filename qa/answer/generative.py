"""Generative answers: a language model writes from the retrieved passages; only verified sentences are shown.

Policy: a generated sentence the verifier does not support is dropped (never shown with a
flag), and the notice says how many were left out; every citation of a generative answer
has `supported=True`. When the model fails (down, slow, busy, unreadable, looping), says
"not found", or writes nothing supported, the extractive answer is shown with a notice.
When the extractive answerer finds no answer, the model is not asked: near-miss passages
would let it write sentences that are true but do not answer.

Example:
    answerer = GenerativeAnswerer(make_generator(settings), embedder)
    answer = answerer.answer(question, hits, extractive_answer, snapshot)
    answer.mode, answer.notice  # "generative", None
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from qa.config import GenerativeSettings, Settings
from qa.errors import GeneratorError
from qa.language.aliases import readable_date
from qa.answer.backends import Generator, make_generator
from qa.answer.prompting import NOT_FOUND_REPLY, PromptBuilder, PromptPassage
from qa.records import Answer, Citation, Hit
from qa.index.snapshot import IndexSnapshot
from qa.answer.verifier import AnswerVerifier, EvidencePassage, EvidenceSentence, SentenceVerdict

LOGGER = logging.getLogger(__name__)
REASONING = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)  # reasoning models' scratchpad


@dataclass(frozen=True)
class _Source:
    """A passage as numbered in the prompt, with what the verifier and the citation need."""

    n: int
    prompt: PromptPassage
    evidence: EvidencePassage
    citation: Citation  # the passage's fields; number and sentence are set when it is cited


class GenerativeAnswerer:
    """Prompts the model with numbered passages, verifies each sentence, and builds a cited Answer.

    Example:
        answerer = GenerativeAnswerer.from_settings(settings, embedder)  # None when generation is off
        for update in answerer.stream(question, hits, extractive_answer, snapshot):
            print(update if isinstance(update, str) else update.answer)
    """

    def __init__(self, generator: Generator, embedder, settings: GenerativeSettings | None = None,
                 prompt_builder: PromptBuilder | None = None, verifier: AnswerVerifier | None = None):
        self.generator = generator
        self.settings = settings or GenerativeSettings()
        self.prompt_builder = prompt_builder or PromptBuilder(self.settings.max_passage_chars)
        self.verifier = verifier or AnswerVerifier(embedder)

    @classmethod
    def from_settings(cls, settings: Settings, embedder) -> "GenerativeAnswerer | None":
        """The answerer for the configured backend, or None when `settings.generator` is off."""
        generator = make_generator(settings)
        if generator is None:
            return None
        generative = settings.generative
        if generative.max_passages is None:  # as many as an answer draws from
            generative = replace(generative, max_passages=settings.top_k)
        return cls(generator, embedder, generative, verifier=AnswerVerifier.from_settings(settings, embedder))

    def answer(self, question: str, hits: list[Hit], fallback: Answer, snapshot: IndexSnapshot) -> Answer:
        """A verified generative answer, or `fallback` (the extractive answer) with a notice."""
        result = fallback
        for update in self.stream(question, hits, fallback, snapshot, partial=False):
            result = update
        return result

    def stream(self, question: str, hits: list[Hit], fallback: Answer, snapshot: IndexSnapshot,
               partial: bool = True) -> Iterator[str | Answer]:
        """The model's text so far (str, unverified, for display while it writes), then the final Answer."""
        if not fallback.found or not hits:
            yield fallback
            return
        started = time.perf_counter()
        try:
            sources = self._sources(hits, snapshot)
            messages = self.prompt_builder.build(question, [source.prompt for source in sources])
            text = ""
            if partial:
                for piece in self.generator.stream(messages, self.settings.max_new_tokens):
                    text += piece
                    yield text
            else:
                text = self.generator.generate(messages, self.settings.max_new_tokens)
            result = self._verified(REASONING.sub("", text).strip(), sources, fallback)
        except GeneratorError as error:
            result = _fall_back(fallback, error.reason)
        except ImportError as error:
            result = _fall_back(fallback, str(error))
        except Exception as error:  # a broken backend must cost the user a notice, never the answer
            LOGGER.exception("generative answer failed")
            result = _fall_back(fallback, f"the language model failed ({type(error).__name__})")
        timings = {**fallback.timings_ms, "generate": round((time.perf_counter() - started) * 1000, 2)}
        yield replace(result, timings_ms=timings)

    def _sources(self, hits: list[Hit], snapshot: IndexSnapshot) -> list[_Source]:
        sources: list[_Source] = []
        seen: set[int] = set()
        for hit in hits:
            if hit.chunk_id in seen or len(sources) == self.settings.max_passages:
                continue
            seen.add(hit.chunk_id)
            sources.append(self._source(len(sources) + 1, hit, snapshot))
        return sources

    def _source(self, n: int, hit: Hit, snapshot: IndexSnapshot) -> _Source:
        release = snapshot.releases[hit.release_id]
        release_text = snapshot.release_text(hit.release_id)
        stored = snapshot.chunk_sentences(hit.chunk_id)
        vectors = snapshot.sentence_vector_rows([s.sentence_id for s in stored]) if stored else []
        sentences = tuple(EvidenceSentence(release_text[s.char_start:s.char_end], vector, s.sentence_id,
                                           s.char_start, s.char_end) for s, vector in zip(stored, vectors))
        date = f"{release.date} {_readable(release.date)}" if release.date else ""
        evidence = EvidencePassage(n, sentences, f"{release.title} {date}", release_text)
        chunk = snapshot.chunk(hit.chunk_id)
        passage = snapshot.chunk_text(hit.chunk_id)
        citation = Citation(n=n, release_id=hit.release_id, title=release.title, date=release.date, passage=passage,
                            char_start=chunk.char_start, char_end=chunk.char_end,
                            score=round(float(hit.score), 4), source_url=release.source_url, source=release.source,
                            paragraph=chunk.paragraph, supported=True, aliases=hit.aliases)
        return _Source(n, PromptPassage(n, release.title, release.date, passage), evidence, citation)

    def _verified(self, text: str, sources: list[_Source], fallback: Answer) -> Answer:
        if not text:
            return _fall_back(fallback, "the language model wrote nothing")
        if _says_not_found(text):
            return _fall_back(fallback, "the language model found no answer in the passages")
        verdicts = self.verifier.verify(text, [source.evidence for source in sources])
        kept = [verdict for verdict in verdicts if verdict.supported]
        if not kept:
            reasons = sorted({verdict.reason for verdict in verdicts}) or ["no sentence"]
            return _fall_back(fallback, "no sentence it wrote is supported by the passages it cites "
                                        f"({'; '.join(reasons)[:200]})")
        citations, sentences = self._cite(kept, {source.n: source for source in sources})
        answer_text = " ".join(sentences)
        short = fallback.short_answer if fallback.short_answer and fallback.short_answer.lower() in \
            answer_text.lower() else None
        dropped = len(verdicts) - len(kept)
        notice = (f"{dropped} of {len(verdicts)} generated sentences left out: the passages they cite "
                  "do not support them." if dropped else None)
        return replace(fallback, answer=answer_text, short_answer=short, found=True, citations=citations,
                       mode="generative", notice=notice)

    def _cite(self, kept: list[SentenceVerdict], sources: dict[int, _Source]) -> tuple[list[Citation], list[str]]:
        """Citations renumbered 1.. in order of use, one per (passage, supporting sentence)."""
        numbers: dict[tuple[int, int | None], int] = {}
        citations: list[Citation] = []
        sentences = []
        for verdict in kept:
            markers = []
            for support in verdict.support:
                key = (support.n, support.sentence.sentence_id)
                if key not in numbers:
                    numbers[key] = len(numbers) + 1
                    sentence = support.sentence
                    citations.append(replace(sources[support.n].citation, n=numbers[key], sentence=sentence.text,
                                             sentence_start=sentence.char_start, sentence_end=sentence.char_end))
                if numbers[key] not in markers:
                    markers.append(numbers[key])
            sentences.append(f"{verdict.text} " + "".join(f"[{m}]" for m in markers))
        return citations, sentences


def _fall_back(fallback: Answer, reason: str) -> Answer:
    return replace(fallback, notice=f"Generative answer not shown: {reason}. This is the extractive answer.")


def _says_not_found(text: str) -> bool:
    """The model's "Not found." (and close variants), with no citation anywhere."""
    plain = re.sub(r"[^a-z ]", "", text.lower()).strip()
    return "[" not in text and (plain.startswith(NOT_FOUND_REPLY.lower().rstrip(".")) or len(plain) < 3)


def _readable(iso: str) -> str:
    try:
        return readable_date(iso)
    except ValueError:
        return ""
