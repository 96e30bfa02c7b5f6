"""What a question asks for: its kind, the span an answer must hold, its key words and names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvalidQuestionError
from .spans import SpanFinder

QUESTION_KINDS = ("who", "when", "where", "how_many", "how_much", "which_country", "what", "why",
                  "how", "yes_no", "other")

# kind -> (the span kind an answer must hold, the span kinds it may hold)
_EXPECTED_SPANS = {
    "who": ("person", ("person", "org")),
    "when": ("date", ("date",)),
    "where": ("place", ("place",)),
    "which_country": ("place", ("place",)),
    "how_many": ("number", ("number",)),
    "how_much": ("money", ("money", "number")),
}
_NUMBER_ONLY = ("number", ("number",))  # "how much ... percent", "what percentage"
_ORG_ONLY = ("org", ("org",))  # "which organisation ..."

_AUXILIARIES = ("is|are|was|were|am|be|been|did|does|do|will|would|can|could|has|have|had|should|"
                "shall|may|might|must")
_ROLES = (r"(?:leaders?|ministers?|officials?|presidents?|prime\s+ministers?|ambassadors?|"
          r"secretar(?:y|ies)|persons?|people|individuals?|delegates?|representatives?|"
          r"spokes(?:person|man|woman)|advis[eo]rs?|kings?|queens?|chair(?:s|man|woman|person)?|"
          r"co-?chairs?|heads?\s+of\s+(?:state|government)|counterparts?|diplomats?|envoys?|"
          r"senators?|governors?|mayors?|participants?|attendees?|speakers?|signator(?:y|ies)|"
          r"hosts?|chancellors?|premiers?|officers?|directors?|administrators?|coordinators?|"
          r"names?)")
_COUNTRY_NOUNS = r"(?:country|countries|nation|nations|member\s+states?)"
_PLACE_NOUNS = (r"(?:city|cities|place|places|location|locations|venue|venues|capital|region|"
                r"province|town|site|building|hotel)")
_NOT_AUXILIARY = rf"(?!(?:{_AUXILIARIES})\b)"

# First match wins; each pattern reads the lower-cased question without its polite opening.
_KIND_PATTERNS = [(re.compile(pattern), kind) for pattern, kind in [
    (r"^(?:(?:to|by|with|for|from|of|and)\s+)?(?:who|whom|whose)\b", "who"),
    (r"^(?:(?:on|in|at|by|since|until|till|from|during|for)\s+)?(?:what|which)\s+"
     r"(?:exact\s+|specific\s+|particular\s+)?(?:dates?|days?|years?|months?|time|week|period)\b",
     "when"),
    (r"^(?:(?:since|until|till|by|from)\s+)?when\b", "when"),
    (r"^(?:what|which)\s+(?:is|was|were|are)\s+the\s+(?:exact\s+|specific\s+)?"
     r"(?:dates?|days?|years?|time|timing)\b", "when"),
    (rf"^(?:what|which)\s+(?:is|was|were|are)\s+the\s+{_PLACE_NOUNS}\b", "where"),
    (rf"^(?:in|at|inside|within)\s+(?:what|which)\s+{_COUNTRY_NOUNS}\b", "where"),
    (rf"^(?:(?:in|at|from|to|into)\s+)?(?:what|which)\s+(?:{_NOT_AUXILIARY}[\w\-.']+\s+){{0,2}}?"
     rf"{_PLACE_NOUNS}\b", "where"),
    (r"^(?:from\s+)?where\b", "where"),
    (rf"^(?:(?:with|for|by|to|from|and|of)\s+)?(?:what|which)\s+(?:{_NOT_AUXILIARY}[\w\-]+\s+)"
     rf"{{0,2}}?{_COUNTRY_NOUNS}\b", "which_country"),
    (r"^how\s+(?:many|long)\b", "how_many"),
    (r"^(?:what|which)\s+(?:(?:is|was|were|are)\s+the\s+)?(?:total\s+)?number\s+of\b",
     "how_many"),
    (r"^how\s+much\b", "how_much"),
    (r"^(?:what|which)\s+(?:(?:is|was|were|are)\s+the\s+)?(?:total\s+|overall\s+)?"
     r"(?:percentage|percent|share|proportion|fraction|amount|sum|cost|value|budget|price|"
     r"funding|figure)\b", "how_much"),
    (r"^(?:why|how\s+come)\b", "why"),
    (r"^for\s+what\s+(?:reason|purpose)\b", "why"),
    (r"^(?:what|which)\s+(?:is|was|were|are)\s+the\s+(?:main\s+)?(?:reasons?|purposes?|"
     r"motivations?|rationale)\b", "why"),
    (r"^how\b", "how"),
    (rf"^(?:(?:to|by|with|for|from)\s+)?(?:what|which)\s+(?:{_NOT_AUXILIARY}[\w\-]+\s+){{0,2}}?"
     rf"{_ROLES}\b", "who"),
    (rf"^(?:what|which)\s+(?:is|was|were|are)\s+(?:the\s+)?names?\s+of\s+(?:the\s+)?"
     rf"(?:[\w\-]+\s+){{0,3}}?{_ROLES}\b", "who"),
    (r"^(?:(?:to|by|with|for|from|in|on|at|about|of)\s+)?(?:what|which)\b", "what"),
    (rf"^(?:{_AUXILIARIES})(?:n['’]?t)?\b", "yes_no"),
]]
# Where no pattern fits the opening: a question word further on ("... co-chaired by whom?").
_EMBEDDED_KINDS = [(re.compile(pattern), kind) for pattern, kind in [
    (r"\b(?:who|whom|whose)\b", "who"), (r"\bwhen\b", "when"),
    (r"\bhow\s+many\b", "how_many"), (r"\bhow\s+much\b", "how_much"),
    (rf"\b(?:what|which)\s+{_COUNTRY_NOUNS}\b", "which_country"), (r"\bwhere\b", "where"),
    (r"\bwhy\b", "why"), (r"\b(?:what|which)\b", "what"), (r"\bhow\b", "how"),
]]
_POLITE_OPENING = re.compile(
    r"^(?:(?:and|so|ok|okay|also|then|well|hi|hello|hey|now|please)\b[,\s]*)*"
    r"(?:(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell|show|let)\s+(?:me|us)\s+"
    r"(?:know\s+)?|(?:do|does)\s+(?:you|anyone)\s+know\s+|i\s+(?:want|would\s+like|'d\s+like|"
    r"need|wish)\s+to\s+know\s+|i\s+wonder\s+|i'm\s+wondering\s+|let\s+me\s+know\s+|"
    r"please\s+)\s*)*")
_IMPERATIVE = re.compile(
    r"^(?:name|list|identify|give|state|provide|mention|find|specify|tell|show|enumerate|"
    r"indicate|say|report|look\s+up)\b(?:\s+(?:me|us))?\s*")
_DESCRIBE = re.compile(r"^(?:describe|explain|summari[sz]e|outline|discuss|elaborate\s+on)\b\s*")
# What the object of "Give the date of ..." or "Name the co-chairs ..." asks for.
_OBJECT_KINDS = [(re.compile(pattern), kind) for pattern, kind in [
    (r"^(?:dates?|days?|years?|months?|time|when)\b", "when"),
    (rf"^(?:{_COUNTRY_NOUNS})\b", "which_country"),
    (rf"^(?:{_PLACE_NOUNS}|where)\b", "where"),
    (r"^(?:percentage|percent|share|proportion)\b", "how_much_number"),
    (r"^(?:amounts?|sums?|costs?|funding|money|budget|value|price|total\s+amount)\b", "how_much"),
    (r"^(?:number|count|total)\b", "how_many"),
    (r"^(?:organi[sz]ations?|bod(?:y|ies)|agenc(?:y|ies)|institutions?|groups?)\b", "org"),
    (r"^(?:reasons?|purposes?|why)\b", "why"),
    (rf"^{_ROLES}\b", "who"),
]]
_DETERMINERS = re.compile(r"^(?:(?:the|a|an|all|any|each|every|some|its|their|his|her|exact|"
                          r"full|main|two|three|both)\s+)*")
_ORG_QUESTION = re.compile(
    r"^(?:(?:to|by|with|for|from|in)\s+)?(?:what|which)\s+(?:[\w\-]+\s+)?(?:organi[sz]ations?|"
    r"bod(?:y|ies)|agenc(?:y|ies)|institutions?|blocs?|ministr(?:y|ies)|departments?|groups?)\b")
_PERCENT = re.compile(r"\b(?:percent|percentage|per\s+cent|share|proportion)\b|%")

_STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each either else ever few for from further had hadn't has hasn't have haven't
having he her here hers herself him himself his i if in into is isn't it its itself just let me
more most much many my myself neither no nor not now of off on once only or other others ought our
ours ourselves out over own please same she should shouldn't so some such than that that's the
their theirs them themselves then there these they this those through to too under until up upon
us very was wasn't we were weren't what what's when where which while who who's whom whose why
will with won't would wouldn't yet you your yours yourself yourselves how ever tell know give
name list identify provide mention specify show state say find exactly according also any
""".split())
# Capitalised words that name roles or kinds of events, not who or what was there.
_GENERIC_WORDS = frozenset("""
meeting meetings minister ministers ministerial ministry ministries president presidents
presidential vice prime foreign summit summits special deputy secretary secretaries general
ambassador ambassadors excellency h.e. his her leaders leader statement statements joint readout
call calls conference dialogue relations relation partnership strategic comprehensive annual
affairs department government administration office council forum declaration plan action mr
mrs ms dr king queen chancellor premier republic kingdom federation cooperation international
national senior official officials spokesperson press advisor adviser fact sheet remarks briefing
background chair co-chair co-chairs chairman member members anniversary framework initiative
program programme agreement treaty coordinator country countries outcome outcomes release talks
visit session sessions the a an in on of for and to with by at from who what when where which why
how did does do is are was were will would can could has have had name list give tell identify
""".split())
_DEMONYM_ENDINGS = ("ian", "ese", "ish", "ean", "can")
_PARTICLES = frozenset("bin bint ibn van von der den de da del di du dos al el le la".split())
# Lower-case words that look like gazetteer names but are usually plain English.
_NOT_RECASED = frozenset("us who it may man chad guinea jersey turkey georgia jordan niger "
                         "quad congress senate".split())
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:[-'’]\w+)*")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")


@dataclass(frozen=True)
class QuestionInfo:
    """What `QuestionAnalyzer.analyze` learns from a question.

    `expected_span` is the span kind an answer sentence must hold ("person" for who,
    "date" for when ...), `acceptable_spans` the kinds it may hold, best first; both are
    empty for "what", "why", "how", "yes_no" and "other". `entities` are the question's
    key names, numbers and dates as written (lower-case gazetteer names get their usual
    spelling: "asean" -> "ASEAN"); `focus_terms` its lower-cased content words.
    """

    kind: str
    expected_span: str | None
    acceptable_spans: tuple[str, ...]
    focus_terms: tuple[str, ...]
    entities: tuple[str, ...]
    normalized: str


class QuestionAnalyzer:
    """Classifies a question and picks out its key terms, with rules: fast and predictable.

    Example:
        info = QuestionAnalyzer().analyze("Who co-chaired the meeting?")
        # QuestionInfo(kind="who", expected_span="person", acceptable_spans=("person", "org"),
        #              focus_terms=("co-chaired", "meeting"), entities=(),
        #              normalized="Who co-chaired the meeting?")
    """

    def __init__(self, span_finder: SpanFinder | None = None) -> None:
        self._span_finder = span_finder or SpanFinder()
        names = {lowered: spelled for lowered, spelled in self._span_finder.names.items()
                 if len(lowered) > 2 and lowered not in _NOT_RECASED and lowered != spelled}
        self._known_names = names
        alternation = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
        self._known_name = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")

    def analyze(self, question: str) -> QuestionInfo:
        """Return the question's kind, expected answer span, focus terms and entities.

        Raises InvalidQuestionError for a question without a word in it.
        """
        normalized = " ".join(str(question).split())
        if not re.search(r"\w", normalized):
            raise InvalidQuestionError(
                f"question must contain at least one word; got {question!r}")
        kind, expected = self._classify(normalized.lower())
        expected_span, acceptable = expected
        return QuestionInfo(kind=kind, expected_span=expected_span, acceptable_spans=acceptable,
                            focus_terms=self._focus_terms(normalized),
                            entities=self._entities(normalized), normalized=normalized)

    # --- kind -------------------------------------------------------------------------------
    def _classify(self, lowered: str) -> tuple[str, tuple[str | None, tuple[str, ...]]]:
        body = _POLITE_OPENING.sub("", lowered.strip(" ?!.").replace("’", "'"))
        body = re.sub(r"\b(what|who|where|when|how)'s\b", r"\1 is", body)
        kind = self._kind_of(body)
        if kind == "how_much" and _PERCENT.search(body):
            return kind, _NUMBER_ONLY
        if kind == "how_much_number":
            return "how_much", _NUMBER_ONLY
        if kind == "org" or (kind == "what" and _ORG_QUESTION.match(body)):
            return "what", _ORG_ONLY
        return kind, _EXPECTED_SPANS.get(kind, (None, ()))

    def _kind_of(self, body: str) -> str:
        for pattern, kind in _KIND_PATTERNS:
            if pattern.match(body):
                return kind
        imperative = _IMPERATIVE.match(body)
        if imperative:
            rest = body[imperative.end():]
            opening = self._kind_of(rest) if re.match(r"(?:who|whom|when|where|which|what|how|"
                                                      r"why)\b", rest) else None
            return opening or self._object_kind(rest, default="what")
        described = _DESCRIBE.match(body)
        if described:
            rest = body[described.end():]
            return "why" if rest.startswith("why") else "how" if rest.startswith("how") else "what"
        if _DETERMINERS.match(body).end():  # "the date of the summit?"
            kind = self._object_kind(body, default="")
            if kind:
                return kind
        for pattern, kind in _EMBEDDED_KINDS:
            if pattern.search(body):
                return kind
        return "other"

    @staticmethod
    def _object_kind(phrase: str, default: str) -> str:
        """Kind asked for by a noun phrase: "the co-chairs of ..." -> who."""
        phrase = phrase[_DETERMINERS.match(phrase).end():]
        for pattern, kind in _OBJECT_KINDS:
            if pattern.match(phrase):
                return kind
        return default

    # --- terms ------------------------------------------------------------------------------
    @staticmethod
    def _focus_terms(normalized: str) -> tuple[str, ...]:
        terms: list[str] = []
        words = [_strip_possessive(word) for word in _TOKEN.findall(normalized.lower())]
        if words and (_IMPERATIVE.match(words[0]) or _DESCRIBE.match(words[0])):
            words = words[1:]
        for word in words:
            if word and word not in _STOPWORDS and word not in terms:
                terms.append(word)
        return tuple(terms)

    def _entities(self, normalized: str) -> tuple[str, ...]:
        text = self._recased(normalized)
        found: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []
        for span in self._span_finder.find(text):
            if span.kind == "number" and not span.text[0].isdigit():
                continue  # "the two leaders": the evidence may say "both"
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
            if token is not None and run and token.group() in _PARTICLES:
                continue  # "Mohamed bin Zayed": the particle joins the run when a name follows
            if run:
                runs.append(run)
                run = []
        # "the Cambodian minister": the release may only say "Cambodia", so an adjective
        # of nationality would wrongly count as missing evidence.
        return [_run_entity(text, run) for run in runs
                if len(run) > 1 or not run[0].group().lower().endswith(_DEMONYM_ENDINGS)]


def _strip_possessive(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)


def _is_name_like(token: re.Match, index: int, tokens: list[re.Match], text: str,
                  taken: list[tuple[int, int]]) -> bool:
    word = _strip_possessive(token.group())
    if any(start < token.end() and token.start() < end for start, end in taken):
        return False
    if not word or word.lower() in _GENERIC_WORDS or word.lower() in _STOPWORDS or \
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
