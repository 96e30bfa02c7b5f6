"""What a question or topic names, and whether it asks who: for talking points and follow-ups."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.errors import InvalidQuestionError
from qa.language.entity_finder import SpanFinder
from qa.language.lexicon import (AUXILIARIES, HONORIFICS, NAME_PARTICLES, OPENING_WORDS, STOPWORDS,
                                  alternation)

_AUXILIARIES = alternation(AUXILIARIES - {"being"})  # "Being the host, who ...?" asks who
_ROLES = (r"(?:leaders?|ministers?|officials?|presidents?|prime\s+ministers?|ambassadors?|"
          r"secretar(?:y|ies)|persons?|people|individuals?|delegates?|representatives?|"
          r"spokes(?:person|man|woman)|advis[eo]rs?|kings?|queens?|chair(?:s|man|woman|person)?|"
          r"co-?chairs?|heads?\s+of\s+(?:state|government)|counterparts?|diplomats?|envoys?|"
          r"senators?|governors?|mayors?|participants?|attendees?|speakers?|signator(?:y|ies)|"
          r"hosts?|chancellors?|premiers?|officers?|directors?|administrators?|coordinators?|"
          r"names?)")
# What a question may ask for that is no person: "What share of people ...", "the date of ...".
_THINGS = (r"(?:dates?|days?|years?|months?|time|week|period|when|where|why|number|count|total|"
           r"percent(?:age)?|share|proportion|fraction|amounts?|sums?|costs?|value|budget|price|funding|"
           r"money|figure|reasons?|purposes?|countr(?:y|ies)|nations?|member|cit(?:y|ies)|places?|"
           r"locations?|venues?|capital|region|province|town|site)")
# "Who ...", "Which leaders ...", "What is the name of the minister ...".
_WHO_OPENING = re.compile(
    rf"^(?:(?:to|by|with|for|from|of|and)\s+)?(?:who|whom|whose)\b"
    rf"|^(?:(?:to|by|with|for|from)\s+)?(?:what|which)\s+(?:(?!(?:{_AUXILIARIES}|{_THINGS})\b)[\w\-]+\s+)"
    rf"{{0,2}}?{_ROLES}\b"
    rf"|^(?:what|which)\s+(?:is|was|were|are)\s+(?:the\s+)?names?\s+of\s+(?:the\s+)?(?:[\w\-]+\s+){{0,3}}?"
    rf"{_ROLES}\b")
# Any other question opening: the question asks what, when, where, how, why, or yes or no.
_OTHER_OPENING = re.compile(
    rf"^(?:(?:to|by|with|for|from|in|on|at|about|of|and|since|until|till|into|inside|within)\s+)?"
    rf"(?:what|which|when|where)\b|^(?:why|how)\b|^(?:{_AUXILIARIES})(?:n['’]?t)?\b")
_WH_WORD = re.compile(r"(?:who|whom|when|where|which|what|how|why)\b")
_POLITE_OPENING = re.compile(
    rf"^(?:(?:{alternation(OPENING_WORDS)})\b[,\s]*)*"
    r"(?:(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell|show|let)\s+(?:me|us)\s+"
    r"(?:know\s+)?|(?:do|does)\s+(?:you|anyone)\s+know\s+|i\s+(?:want|would\s+like|'d\s+like|"
    r"need|wish)\s+to\s+know\s+|i\s+wonder\s+|i'm\s+wondering\s+|let\s+me\s+know\s+|"
    r"please\s+)\s*)*")
_IMPERATIVE = re.compile(
    r"^(?:name|list|identify|give|state|provide|mention|find|specify|tell|show|enumerate|"
    r"indicate|say|report|look\s+up)\b(?:\s+(?:me|us))?\s*")
_DESCRIBE = re.compile(r"^(?:describe|explain|summari[sz]e|outline|discuss|elaborate\s+on)\b")
_DETERMINERS = re.compile(r"^(?:(?:the|a|an|all|any|each|every|some|its|their|his|her|exact|"
                          r"full|main|two|three|both)\s+)*")
_ROLE_OBJECT = re.compile(rf"{_ROLES}\b")  # "Name the co-chairs ..."
# What a noun phrase that opens a question asks for: "The date of ...", "The co-chairs of ...".
_OBJECT = re.compile(rf"(?:{_ROLES}|{_THINGS}|organi[sz]ations?|bod(?:y|ies)|agenc(?:y|ies)|"
                     rf"institutions?|groups?)\b")
_WHO_WORD = re.compile(r"\b(?:who|whom|whose)\b")  # "The meeting was co-chaired by whom?"

# Capitalised words that name roles or kinds of events, not who or what was there (nor are STOPWORDS).
_GENERIC_WORDS = frozenset("""
meeting meetings minister ministers ministerial ministry ministries president presidents
presidential vice prime foreign summit summits special deputy secretary secretaries general
ambassador ambassadors excellency leaders leader statement statements joint readout call calls
conference dialogue relations relation partnership strategic comprehensive annual affairs
department government administration office council forum declaration plan action king queen
chancellor premier republic kingdom federation cooperation international national senior official
officials spokesperson press advisor adviser fact sheet remarks briefing background chair co-chair
co-chairs chairman member members anniversary framework initiative program programme agreement
treaty coordinator country countries outcome outcomes release talks visit session sessions
""".split())
_DEMONYM_ENDINGS = ("ian", "ese", "ish", "ean", "can")
# Lower-case words that look like gazetteer names but are usually plain English.
_NOT_RECASED = frozenset("us who it may man chad guinea jersey turkey georgia jordan niger "
                         "quad congress senate".split())
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:[-'’]\w+)*")
# Honorifics as `_TOKEN` reads them: "h.e.", "mr".
_GENERIC_WORDS |= {_TOKEN.match(honorific).group().lower() for honorific in HONORIFICS}
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")


@dataclass(frozen=True)
class QuestionInfo:
    """What `QuestionAnalyzer.analyze` learns from a question or topic.

    `entities` are its key names, numbers and dates as written (lower-case gazetteer names
    get their usual spelling: "asean" -> "ASEAN"); `asks_who` is true for a question about
    people ("Who co-chaired ...", "Which ministers ...", "Name the co-chairs ...").
    """

    entities: tuple[str, ...]
    asks_who: bool


class QuestionAnalyzer:
    """Picks out the names a question or topic gives, with rules: fast and predictable.

    Example:
        info = QuestionAnalyzer().analyze("Who co-chaired the ASEAN-Russia meeting in 2021?")
        # QuestionInfo(entities=("ASEAN-Russia", "2021"), asks_who=True)
    """

    def __init__(self, span_finder: SpanFinder | None = None) -> None:
        self._span_finder = span_finder or SpanFinder()
        names = {lowered: spelled for lowered, spelled in self._span_finder.names.items()
                 if len(lowered) > 2 and lowered not in _NOT_RECASED and lowered != spelled}
        self._known_names = names
        alternation = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
        self._known_name = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")

    def analyze(self, question: str) -> QuestionInfo:
        """Return the question's entities and whether it asks who.

        Raises InvalidQuestionError for a question without a word in it.
        """
        normalized = " ".join(str(question).split())
        if not re.search(r"\w", normalized):
            raise InvalidQuestionError(
                f"question must contain at least one word; got {question!r}")
        body = _POLITE_OPENING.sub("", normalized.lower().strip(" ?!.").replace("’", "'"))
        body = re.sub(r"\b(what|who|where|when|how)'s\b", r"\1 is", body)
        return QuestionInfo(entities=self._entities(normalized), asks_who=_asks_who(body))

    def _entities(self, normalized: str) -> tuple[str, ...]:
        text = self._recased(normalized)
        found: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []
        for span in self._span_finder.find(text):
            start, end = _whole_compound(text, span.start, span.end)
            entity = span.value if span.kind == "person" else text[start:end]
            found.append((start, re.sub(r"^[Tt]he\s+", "", entity)))
            taken.append((start, end))
        found.extend(self._capitalised_runs(text, taken))
        entities: list[str] = []
        for _, entity in sorted(found):
            if entity.casefold() not in (known.casefold() for known in entities):
                entities.append(entity)
        return tuple(entities)

    def _recased(self, normalized: str) -> str:
        """Lower-case names get their usual spelling, so "asean" is found like "ASEAN".

        A question typed all in capitals or all in lower case says nothing by its case.
        """
        text = normalized.lower() if normalized.isupper() else normalized
        return self._known_name.sub(lambda match: self._known_names[match.group()], text)

    @staticmethod
    def _capitalised_runs(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, str]]:
        """Runs of capitalised words that no span covers: "Retno Marsudi", "Kishida"."""
        runs: list[list[re.Match]] = []
        run: list[re.Match] = []
        tokens = list(_TOKEN.finditer(text))
        for index, token in enumerate(tokens + [None]):
            if token is not None and _is_name_like(token, index, tokens, text, taken):
                if run and text[run[-1].end():token.start()].strip():
                    runs.append(run)
                    run = []
                run.append(token)
                continue
            if token is not None and run and token.group() in NAME_PARTICLES:
                continue  # "Mohamed bin Zayed": the particle joins the run when a name follows
            if run:
                runs.append(run)
                run = []
        # "the Cambodian minister": the release may only say "Cambodia", so an adjective
        # of nationality would wrongly count as missing evidence.
        return [_run_entity(text, run) for run in runs
                if len(run) > 1 or not run[0].group().lower().endswith(_DEMONYM_ENDINGS)]


def _asks_who(body: str) -> bool:
    """Whether a question (lower-cased, without its polite opening) asks for people."""
    imperative = _IMPERATIVE.match(body)
    if imperative:  # "Tell me who ...", "Name the co-chairs ..."
        rest = body[imperative.end():]
        return _asks_who(rest) if _WH_WORD.match(rest) else _names_roles(rest)
    if _WHO_OPENING.match(body):
        return True
    if _OTHER_OPENING.match(body) or _DESCRIBE.match(body):
        return False
    determiners = _DETERMINERS.match(body).end()
    if determiners and _OBJECT.match(body, determiners):  # "the co-chairs of ...", "the date of ..."
        return _names_roles(body)
    return _WHO_WORD.search(body) is not None


def _names_roles(phrase: str) -> bool:
    """ "the co-chairs of the meeting": a noun phrase of people."""
    return _ROLE_OBJECT.match(phrase, _DETERMINERS.match(phrase).end()) is not None


def _strip_possessive(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)


def _is_name_like(token: re.Match, index: int, tokens: list[re.Match], text: str,
                  taken: list[tuple[int, int]]) -> bool:
    word = _strip_possessive(token.group())
    if any(start < token.end() and token.start() < end for start, end in taken):
        return False
    if not word or word.lower() in _GENERIC_WORDS or word.lower() in STOPWORDS or \
            _ORDINAL.match(word):
        return False
    if any(character.isdigit() for character in word):
        return any(character.isalpha() for character in word)  # "G7", "COVID-19"
    if not word[0].isupper():
        return False
    if index == 0 and not word.isupper():
        # A capital that opens the question says nothing, unless a name goes on after it.
        following = tokens[1] if len(tokens) > 1 else None
        return following is not None and following.group()[:1].isupper() and \
            not text[token.end():following.start()].strip()
    return True


def _run_entity(text: str, run: list[re.Match]) -> tuple[int, str]:
    entity = text[run[0].start():run[-1].end()]
    return run[0].start(), _strip_possessive(entity) if entity.endswith(("'s", "’s")) else entity


def _whole_compound(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span to the hyphenated word it sits in: "Russia" -> "ASEAN-Russia"."""
    while start > 1 and text[start - 1] == "-" and (text[start - 2].isalnum() or
                                                   text[start - 2] == "."):
        start -= 1
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
            start -= 1
    while end < len(text) - 1 and text[end] == "-" and text[end + 1].isalnum():
        end += 1
        while end < len(text) and text[end].isalnum():
            end += 1
    return start, end
