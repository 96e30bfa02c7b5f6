"""The word lists the language rules share, each defined once.

Months and weekdays, number words, country names and the aliases a release may use for
them, auxiliaries, wh-words, pronouns, name particles, honorifics and stopwords. Where a
maintained list exists it is the source: country names come from pycountry, the words BM25
drops from bm25s. A module that needs a list in another form (a regex, stemmed words,
lower case) derives it from the list here.

Example:
    from qa.language.lexicon import MONTHS, alternation
    month = re.compile(alternation(MONTHS))  # "September|February|..."
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from bm25s.stopwords import STOPWORDS_EN


def alternation(words: Iterable[str]) -> str:
    """A regex alternation that tries longer words first, so "Vice President" beats "Vice"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# --- dates -----------------------------------------------------------------------------
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # MONTHS[n - 1] is month n
# As releases shorten them, with or without a stop ("Sept. 3"); May has no short form.
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
                       "Nov", "Dec")
MONTH_NUMBERS = {month.lower(): number for number, month in enumerate(MONTHS, start=1)}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# --- numbers ---------------------------------------------------------------------------
CARDINALS = tuple("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                  "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())  # CARDINALS[n] is n
ORDINALS = tuple("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                 "twelfth".split())  # ORDINALS[n - 1] is the n-th
NUMBER_WORDS = ({word: value for value, word in enumerate(CARDINALS)}
                | {word: value for value, word in enumerate(ORDINALS, start=1)})
MAGNITUDES = ("hundred", "thousand", "million", "billion", "trillion")  # "40 million"

# --- names -----------------------------------------------------------------------------
# Names a release may spell another way; each group matches any of its members.
COUNTRY_ALIASES = (
    ("U.S.", "US", "USA", "United States", "America"),
    ("UK", "U.K.", "United Kingdom", "Britain"),
    ("PRC", "China", "People's Republic of China"),
    ("ROK", "South Korea", "Republic of Korea"),
    ("DPRK", "North Korea"),
    ("Russia", "Russian Federation"),
    ("Laos", "Lao PDR", "Lao"),
    ("Burma", "Myanmar"),
    ("Vietnam", "Viet Nam"),
)
ORG_ALIASES = (("EU", "European Union"), ("UN", "United Nations"))
# Country names releases use that are neither in pycountry nor in COUNTRY_ALIASES.
OTHER_COUNTRY_NAMES = (
    "Brunei", "Democratic Republic of the Congo", "Palestine", "Holy See", "Micronesia", "Kosovo",
    "U.S.A.", "Great Britain", "Korea", "East Timor", "Turkey", "Turkiye", "Ivory Coast",
    "Cote d'Ivoire", "Cape Verde", "Swaziland", "Macedonia", "UAE", "U.A.E.", "Emirates",
    "Vatican", "DRC", "DR Congo", "Macau", "Holland")


@functools.lru_cache(maxsize=1)
def country_names() -> tuple[str, ...]:
    """Every country name known: pycountry's names, official and common names (less those with
    a comma or brackets: "Korea, Republic of"), then the aliases and other names above."""
    try:
        import pycountry
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("SpanFinder needs pycountry: pip install pycountry") from error
    names = [name.removeprefix("the ") for country in pycountry.countries
             for name in (country.name, getattr(country, "official_name", None),
                          getattr(country, "common_name", None))
             if name and "," not in name and "(" not in name]
    aliases = [name for group in COUNTRY_ALIASES for name in group]
    return tuple(dict.fromkeys(names + aliases + list(OTHER_COUNTRY_NAMES)))


# Words inside a personal name: "Mohamed bin Zayed", "Ursula von der Leyen".
NAME_PARTICLES = frozenset("bin bint ibn van von der den de da del della di du dos das la le al "
                           "el y ter Bin Bint Ibn Al El".split())
# Courtesy titles before a name: "H.E. Retno Marsudi", "Mr. Lee".
HONORIFICS = ("H.E.", "Mr.", "Mrs.", "Ms.", "Dr.")

# --- function words --------------------------------------------------------------------
# Words that open a question without adding to it: "And when was it held?", "OK, who came?".
OPENING_WORDS = ("and", "so", "also", "then", "ok", "okay", "well", "hi", "hello", "hey", "now", "please")
AUXILIARIES = frozenset("is are was were am be been being did does do will would can could has have "
                        "had should shall may might must".split())
WH_WORDS = frozenset("who whom whose what which when where why how".split())
PRONOUNS = frozenset("it its they them their theirs he him his she her hers we us our you your i me "
                     "my this that these those there then".split())
# What BM25 leaves out of chunks and questions: bm25s's English list (33 words).
BM25_STOPWORDS = STOPWORDS_EN
# Words that are never what a question is about. "may" is left out: "May" is a month.
STOPWORDS = (frozenset(BM25_STOPWORDS) | WH_WORDS | PRONOUNS | (AUXILIARIES - {"may"}) | frozenset("""
about above after again against all also any aren't because before below between both can't cannot
couldn't didn't doesn't doing don't down during each either else ever few from further hadn't hasn't
haven't having here herself himself isn't itself just let more most much many myself neither nor now
off once only other others ought ours ourselves out over own same shouldn't so some than that's
themselves through too under until up upon very wasn't weren't what's while who's won't wouldn't yet
yours yourself yourselves
please tell know give name list identify provide mention specify show state say find exactly according
""".split()))
# Words an answer sentence may hold without claiming anything: function and reporting words,
# checked after BM25_STOPWORDS are gone. Not STOPWORDS: "against", "under", "few" or "neither"
# change what a sentence claims, so the verifier must find them in the passage.
FILLER_WORDS = tuple("""
also he she his her him its it we our they them their which who whom whose what when where how both
all any each more most other some than too very can could would should may might must has have had do
does did been being were said say says stated states according release releases passage passages
press while during after before over about between further additionally however so well only own
same this that these those there here such one""".split())
