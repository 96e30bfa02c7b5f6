"""Typed spans in one sentence: dates, amounts of money, numbers, persons, places, organisations.

Rule-based on purpose: it runs at query time on every candidate sentence, so it must be
fast and precise. Regular expressions and the gazetteer are built once in the constructor;
countries come from pycountry plus the short forms press releases use ("Burma", "Lao PDR").
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from qa.records import Span

KINDS = ("date", "money", "number", "person", "place", "org")
_ALL_KINDS = frozenset(KINDS)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _alternation(words: Collection[str]) -> str:
    """A regex alternation that tries longer words first, so "Vice President" beats "Vice".

    Words are grouped by first character ("t(?:wo|en)"): the engine then tests one
    character per group instead of one per word, which halves the time of a scan.
    """
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word[1:])
    groups = []
    for first, rests in sorted(by_first.items()):
        rests.sort(key=len, reverse=True)
        tails = "|".join(re.escape(rest) for rest in rests)
        groups.append(f"{re.escape(first)}(?:{tails})" if len(rests) > 1 else re.escape(
            first + rests[0]))
    return "|".join(groups)


# --- dates -----------------------------------------------------------------------------
_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")], start=1)
    for name in names
}
_MONTH_FULL = (r"(?:January|February|March|April|May|June|July|August|September|October"
               r"|November|December)")
_MONTH = rf"(?:{_MONTH_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORDINAL = r"(?:st|nd|rd|th|<sup>(?:st|nd|rd|th)</sup>)?"
_YEAR = r"(?:19|20)\d{2}"
_HOLIDAY_WORDS = ("Good", "Black", "Bloody", "Super", "Ash", "Holy", "Cyber", "Easter", "Palm")

# --- numbers and money -----------------------------------------------------------------
_NUMERAL = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMERAL_TAIL = r"\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?"  # after a first digit
_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9,
           "trillion": 10**12, "k": 10**3, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9}
_WORD_NUMBERS = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_WORD_NUMBERS |= {word: 10 * tens for tens, word in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_CURRENCY_PREFIXES = {"us$": "USD", "u.s.$": "USD", "usd": "USD", "$": "USD", "a$": "AUD",
                      "s$": "SGD", "c$": "CAD", "eur": "EUR", "€": "EUR", "£": "GBP",
                      "¥": "JPY"}
_MONEY_HINTS = ("$", "€", "£", "¥", "USD", "EUR", "dollar", "euro", "yen", "riel", "KHR")
_CURRENCY_SUFFIXES = {"dollars": "USD", "u.s. dollars": "USD", "us dollars": "USD",
                      "usd": "USD", "euros": "EUR", "eur": "EUR", "yen": "JPY", "riel": "KHR",
                      "riels": "KHR", "khr": "KHR"}
# A word before a number that makes it a label ("Section 232"), not a quantity.
_LABEL_BEFORE = re.compile(
    r"\b(?:Section|Article|Title|Resolution|Chapter|No\.|Number|Phase|Part|Annex|Room|"
    r"Flight|Pillar|Tier|Level|Category|Order|District|Route|Act|Decree|Law|Group|Version|"
    r"UNSCR|Step|Stage|Item|Paragraph|Goal|SDG)\s+$")

# --- persons ---------------------------------------------------------------------------
_TITLE_HEADS = _words(
    "President President-elect Minister Secretary Secretary-General Ambassador Excellency "
    "Excellencies Majesty Highness H.E. Mr. Mrs. Ms. Dr. Mr Mrs Ms Dr King Queen Sultan "
    "Prince Princess Emir Amir Sheikh Sheikha Chancellor Premier Senator Sen. Governor Gov. "
    "Gen. Admiral Adm. Advisor Adviser Spokesperson Spokesman Spokeswoman Chairman "
    "Chairwoman Chair Chairperson Director Director-General Mayor Administrator "
    "Representative Rep. Envoy Commissioner Coordinator Counselor Counsellor Speaker Leader "
    "Pope Taoiseach Tánaiste Sir Dame Judge Congressman Congresswoman Colonel Col. "
    "Captain Capt. Archbishop Bishop Cardinal Reverend Rev. Professor Prof. Lord Lady "
    "Commander Councilmember Presidents Ministers Secretaries Senators Ambassadors Governors "
    "Mayors")
# Two-word heads: "General" alone starts too many names of things ("General Assembly").
_TITLE_HEADS |= {"Secretary General", "Attorney General", "Surgeon General", "Director General",
                 "Governor General", "Inspector General", "Brigadier General",
                 "Lieutenant General", "Major General", "Chief Justice", "Associate Justice"}
_TITLE_MODIFIERS = _words(
    "Vice Prime Deputy Foreign Defense Defence National Security Press Special Presidential "
    "Senior Chief Trade Finance Crown Majority Minority State Executive Assistant Under First "
    "Acting Principal Royal His Her Climate Economic Domestic Homeland Cyber Energy Health "
    "Agriculture Commerce Transportation Education Interior Labor Treasury Attorney Surgeon "
    "Lieutenant Major Brigadier Rear Grand Supreme Federal Permanent Cabinet Regional Country "
    "Resident Ranking White House Senate NSC USAID FEMA EPA UN U.S. US EU NATO ASEAN WHO "
    "Trade Co-Chair Secretary Policy Public Engagement Communications Legislative "
    "Intergovernmental Science Technology Development Management Budget Staff")
# Departments that may follow a title: "Secretary of State Antony Blinken".
_TITLE_DEPARTMENTS = [
    "State", "Defense", "Defence", "the Treasury", "Treasury", "Commerce", "Homeland Security",
    "Energy", "Agriculture", "Labor", "Transportation", "Education", "the Interior",
    "Interior", "Health and Human Services", "Veterans Affairs", "Housing and Urban "
    "Development", "Foreign Affairs and International Cooperation", "Foreign Affairs",
    "External Affairs", "Finance", "Trade", "Climate", "National Intelligence", "Health",
    "Economic Affairs", "Political Affairs", "Public Diplomacy", "Management and Budget",
    "Justice", "Home Affairs", "Industry", "Investment", "the United Nations", "the UN",
    "ASEAN", "the Army", "the Navy", "the Air Force", "International Trade", "the Economy"]
_NAME_PARTICLES = _words("bin bint ibn van von der den de da del della di du dos das la le al "
                         "el y ter Bin Bint Ibn Al El")
_NAME_SUFFIXES = r"(?:,?\s+(?:Jr\.|Sr\.|Jr\b|Sr\b|II\b|III\b|IV\b))"
# Capitalised words that end or refuse a name ("President Biden Administration").
_NOT_NAMES = (_TITLE_HEADS - {"Sheikh", "Sheikha"}) | _TITLE_MODIFIERS | _words(
    "General Justice "
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday The A An And Or Of In On At To "
    "For With By From This That These Those His Her Their Our We He She They It Its I You "
    "Today Yesterday Tomorrow Tonight Administration Government Summit Meeting Meetings "
    "Office Council Department Ministry County City State States House Day Act Order Plan "
    "Group Forum Dialogue Statement Declaration Initiative Program Programme Fund Committee "
    "Commission Assembly Services Affairs Agency Bank Union Nations Partnership Framework "
    "Strategy Conference Leaders Ministers Also But As If When While After Before During "
    "Under Both Each All Following Joint Readout Fact Sheet Remarks Room Hall Center Centre "
    "Square Street Avenue Island Islands Park Airport Station Building Palace Embassy Camp "
    "Base Mission Team Task Force Court Bill Law Treaty Agreement Accord Convention Charter "
    "Consensus Vision Outlook Report Award Prize Medal Day Week Month Year")
# Capitalised words that rule out a bare "Firstname Lastname" guess.
_NOT_GIVEN_NAMES = _NOT_NAMES | _words(
    "Build Back Better World New North South East West Central Global International "
    "Federal American Americans Indo Pacific Asian European African Strategic Comprehensive "
    "Economic Clean Energy Green Digital Climate Health Security Support Response Recovery "
    "Development Investment Infrastructure Innovation Technology Science Education Women "
    "Youth Young Network Institute University College School Foundation Coalition Alliance "
    "Company Corporation Inc Working Action Call Point Five Seven Human Rights Peace "
    "Prosperity Freedom Democracy Justice Jobs Families Rescue Supply Chain Chains Trust "
    "Safety Ocean Sea Maritime Open Free Cooperation Community Partners Partner Special "
    "Ukrainian Russian Chinese Japanese Korean Indian Israeli Palestinian Mexican Canadian "
    "Good Great Grand Royal United Republic Kingdom Quad Summit Forum Leaders Leader Biden "
    "Harris Congress Senate Covid COVID Omicron Delta Medicare Medicaid Internet Net God "
    "Futures Partnerships Funds Hurricane Storm Typhoon Congressional Republicans Democrats "
    "Authorities Authority Regulatory Conservation Village Neighborhood Stringent Affordable "
    "Care Clean Air Water Act Acts Plan Plans Fund Programs")
_SPEECH_VERBS = _words(
    "said says spoke speaks met meets added noted stated announced told called welcomed "
    "emphasized emphasised stressed underscored highlighted expressed discussed joined "
    "thanked reaffirmed congratulated briefed visited hosted attended led delivered signed")

# --- places and organisations ----------------------------------------------------------
_COUNTRY_NAME_OVERRIDES = {
    "RU": "Russia", "US": "United States", "GB": "United Kingdom", "BN": "Brunei",
    "TR": "Türkiye", "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
    "PS": "Palestine", "VA": "Holy See", "TW": "Taiwan", "KR": "South Korea",
    "KP": "North Korea", "LA": "Laos", "VN": "Vietnam", "IR": "Iran", "SY": "Syria",
    "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "MD": "Moldova", "FM": "Micronesia",
    "CZ": "Czechia", "CI": "Côte d'Ivoire", "MO": "Macao", "HK": "Hong Kong",
}
_COUNTRY_ALIASES = {
    "US": ["U.S.", "US", "U.S.A.", "USA", "United States of America", "America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom"],
    "RU": ["Russia", "Russian Federation"], "KR": ["South Korea", "Republic of Korea", "ROK",
                                                   "Korea"],
    "KP": ["North Korea", "DPRK", "Democratic People's Republic of Korea"],
    "CN": ["PRC", "People's Republic of China"], "VN": ["Vietnam", "Viet Nam"],
    "LA": ["Laos", "Lao PDR", "Lao People's Democratic Republic"], "MM": ["Burma", "Myanmar"],
    "BN": ["Brunei", "Brunei Darussalam"], "TL": ["Timor-Leste", "East Timor"],
    "TR": ["Turkey", "Türkiye", "Turkiye"], "CZ": ["Czech Republic", "Czechia"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"], "CV": ["Cape Verde"], "SZ": ["Swaziland"],
    "MK": ["Macedonia"], "AE": ["UAE", "U.A.E.", "Emirates"], "VA": ["Vatican", "Holy See"],
    "CD": ["DRC", "Democratic Republic of the Congo", "DR Congo"],
    "CG": ["Republic of the Congo"], "PS": ["Palestine", "State of Palestine"],
    "TW": ["Taiwan"], "IR": ["Iran"], "SY": ["Syria"], "BO": ["Bolivia"], "VE": ["Venezuela"],
    "TZ": ["Tanzania"], "MD": ["Moldova"], "FM": ["Micronesia"], "MO": ["Macau"],
    "NL": ["Holland"], "PH": ["Philippines"],
}
# Country names that are also something else: kept as places, without a country value.
_AMBIGUOUS_COUNTRY_NAMES = _words("Georgia Jersey Guernsey")
_REGIONS = [
    "Indo-Pacific", "Asia-Pacific", "Southeast Asia", "South China Sea", "East China Sea",
    "Asia", "Europe", "Africa", "Middle East", "Latin America", "Caribbean", "Central America",
    "South America", "North America", "Americas", "Pacific", "Pacific Islands",
    "Korean Peninsula", "Taiwan Strait", "Western Hemisphere", "Indian Ocean", "Arctic",
    "Antarctic", "Black Sea", "Baltic Sea", "Baltics", "Balkans", "Western Balkans", "Sahel",
    "Horn of Africa", "Gulf", "Persian Gulf", "Mekong", "Lower Mekong", "Mekong subregion",
    "Central Asia", "South Asia", "East Asia", "Northeast Asia", "Eurasia", "Gaza Strip",
    "Gaza", "West Bank", "Crimea", "Donbas", "Xinjiang", "Tibet", "Northern Ireland",
    "Scotland", "Wales", "England", "Northern Triangle", "Sub-Saharan Africa", "West Africa",
    "East Africa", "North Africa", "Southern Africa", "Eastern Europe", "Central Europe",
    "Red Sea", "Mediterranean", "Atlantic", "Strait of Hormuz", "Andaman Sea",
    "Bay of Bengal", "Mekong River", "Blue Pacific"]
_REGIONS_NEEDING_ARTICLE = _words(
    "Atlantic Pacific Gulf Arctic Antarctic Caribbean Mediterranean Mekong Sahel Balkans Baltics "
    "Americas")
_CITIES = [
    "Washington", "Washington, D.C.", "Washington D.C.", "Washington, DC", "Washington DC",
    "Phnom Penh", "Siem Reap",
    "Vientiane", "Jakarta", "Bali", "Hanoi", "Ho Chi Minh City", "Bangkok", "Manila",
    "Kuala Lumpur", "Bandar Seri Begawan", "Naypyidaw", "Nay Pyi Taw", "Yangon", "Rangoon",
    "Dili", "Tokyo", "Osaka", "Hiroshima", "Seoul", "Beijing", "Shanghai", "Taipei",
    "Moscow", "Kyiv", "Kiev", "Minsk", "London", "Paris", "Berlin", "Brussels", "Geneva",
    "Rome", "Madrid", "Lisbon", "Vienna", "Warsaw", "Prague", "Budapest", "Bucharest",
    "Athens", "Ankara", "Istanbul", "Jerusalem", "Tel Aviv", "Ramallah", "Cairo", "Riyadh",
    "Jeddah", "Doha", "Abu Dhabi", "Dubai", "Amman", "Baghdad", "Tehran", "Kabul",
    "Islamabad", "New Delhi", "Delhi", "Mumbai", "Dhaka", "Colombo", "Canberra", "Sydney",
    "Wellington", "Ottawa", "Mexico City", "Havana", "Bogota", "Bogotá", "Lima", "Brasilia",
    "Brasília", "Buenos Aires", "Santiago", "Nairobi", "Addis Ababa", "Pretoria",
    "Johannesburg", "Lagos", "Abuja", "Glasgow", "Sharm el-Sheikh", "Davos", "Camp David",
    "Sunnylands", "New York", "New York City", "Los Angeles", "Chicago", "San Francisco",
    "Honolulu", "Singapore City", "Stockholm", "Helsinki", "Oslo", "Copenhagen",
    "Vilnius", "Riga", "Tallinn", "Bratislava", "Belgrade", "Tbilisi", "Yerevan", "Baku",
    "Astana", "Tashkent", "Ulaanbaatar", "Kathmandu", "Port Moresby", "Suva", "Apia",
    "Honiara", "Nuku'alofa", "Port-au-Prince", "Guatemala City", "San Salvador",
    "Tegucigalpa", "Managua", "San Jose", "Panama City", "Caracas", "Quito"]
_US_STATES = [
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
    "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire",
    "New Jersey", "New Mexico", "North Carolina", "North Dakota", "Ohio", "Oklahoma",
    "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee",
    "Texas", "Utah", "Vermont", "Virginia", "West Virginia", "Wisconsin", "Wyoming",
    "Puerto Rico", "Guam"]
# Canonical name first, then its other spellings.
_ORGS = [
    ["ASEAN", "Association of Southeast Asian Nations"], ["United Nations", "UN", "U.N."],
    ["UN Security Council", "United Nations Security Council", "Security Council", "UNSC"],
    ["UN General Assembly", "United Nations General Assembly", "General Assembly", "UNGA"],
    ["NATO", "North Atlantic Treaty Organization"], ["G7", "Group of Seven", "G-7"],
    ["G20", "Group of Twenty", "G-20"], ["European Union", "EU"], ["European Commission"],
    ["European Council"], ["East Asia Summit", "EAS"], ["ASEAN Regional Forum", "ARF"],
    ["ADMM-Plus", "ASEAN Defence Ministers' Meeting-Plus",
     "ASEAN Defence Ministers' Meetings-Plus", "ASEAN Defense Ministers' Meeting-Plus",
     "ADMM Plus"],
    ["ADMM"], ["Quad"], ["AUKUS"], ["World Health Organization", "WHO"], ["World Bank"],
    ["International Monetary Fund", "IMF"], ["World Trade Organization", "WTO"],
    ["APEC", "Asia-Pacific Economic Cooperation"], ["OECD"],
    ["Indo-Pacific Economic Framework", "IPEF"], ["African Union"],
    ["Organization of American States", "OAS"], ["COVAX"], ["Gavi"], ["CEPI"], ["UNICEF"],
    ["UNHCR"], ["UNDP"], ["World Food Programme", "WFP"], ["IAEA",
                                                           "International Atomic Energy Agency"],
    ["Mekong-U.S. Partnership"], ["Pacific Islands Forum"], ["Asian Development Bank", "ADB"],
    ["USAID", "U.S. Agency for International Development",
     "United States Agency for International Development"],
    ["State Department", "Department of State", "U.S. Department of State"], ["Congress"],
    ["Senate"], ["House of Representatives"], ["Pentagon"], ["National Security Council", "NSC"],
    ["Development Finance Corporation", "DFC", "U.S. International Development Finance "
                                              "Corporation"],
    ["Millennium Challenge Corporation", "MCC"], ["Export-Import Bank", "EXIM"],
    ["Peace Corps"], ["Kremlin"], ["Hamas"], ["Taliban"], ["ISIS"], ["Red Cross", "ICRC"],
    ["OPEC"], ["Mekong River Commission"], ["CARICOM"], ["BRICS"], ["Human Rights Council"],
    ["International Criminal Court"], ["Supreme Court"], ["European Parliament"],
    ["White House"], ["Shangri-La Dialogue"], ["Quad Leaders' Summit"],
    *([acronym] for acronym in "USDA DHS DOD DoD DOE EPA FEMA HHS CDC FBI CIA NASA USTR OMB NIH "
                               "FDA DOJ DOI SBA NOAA DARPA JICA KOICA".split()),
]
# Org names read as a place after "in", "at", "to" or "from": "at the White House".
_PLACE_AFTER_PREPOSITION = frozenset({"White House", "Pentagon", "Kremlin"})
# Tokens of a name that is usually written with "the" ("the Philippines", "the Quad").
_ARTICLE_WORDS = _words(
    "Republic Kingdom Federation States Emirates Islands Union Nations Sea Ocean Peninsula "
    "Strait Gulf Assembly Council Organization Bank Fund Forum Commission Agency Summit "
    "Department Corporation Programme Court Partnership Framework Netherlands Philippines "
    "Bahamas Gambia Maldives Comoros See Vatican Americas Caribbean Middle Indo-Pacific "
    "Asia-Pacific Pacific Arctic Baltics Balkans Sahel Horn Mekong Quad West Gaza White "
    "Kremlin Pentagon Senate Congo Hemisphere Triangle Parliament Dialogue Mediterranean "
    "Atlantic Bay Red Black Cross Corps")
_ORG_HEADS_FIRST = ("Ministry|Department|Office|Bureau|Association|Organization|Organisation|"
                    "Council|Commission|Secretariat|Agency|Bank|Embassy|Court|Institute|"
                    "Committee|Federation|Board")
_ORG_HEADS_LAST = ("Organization|Organisation|Agency|Council|Commission|Forum|Bank|Fund|"
                   "Union|Alliance|Association|Institute|Secretariat|Parliament|Corporation|"
                   "Foundation|University|Coalition|Committee|Authority|Service|Court|Board|"
                   "Ministry|Department|Party|Army|Navy|Guard")
_NON_PLACE_WORDS = _NOT_NAMES | _words(
    "Action Home Congress Support Address Defeat Implement Person English Spanish French "
    "Arabic Russian Chinese Korean Japanese Build Back Better Jobs Infrastructure Rescue "
    "Economy Office Oval Executive Global Trade Challenges Treaty Transatlantic Biden Harris "
    "Arab Israeli American Americans European Asian African Person Detail Response Light "
    "Progress Partnership Common Good Memory Honor Celebration Recognition Accordance Addition "
    "Particular Order General Session Chief Total Advance Law Writing Force Solidarity "
    "Muslim Jewish Christian Catholic Latino Latina Hispanic Black Native Indigenous Tribal "
    "Federal State Local National Regional Kingdom Port Call Room")
_PLACE_PREPOSITIONS = _words("in In at At from near outside across throughout")
_PREPOSITION_ENDINGS = ("in", "In", "at", "At", "to", "he", "om", "ar", "de", "ss", "ut")
_TRAVEL_VERBS = ("travel", "trip", "visit", "return", "arriv", "head", "went", "go", "fly", "flew",
                 "back", "welcome")

_SENTENCE_OPENERS = ("The|the|Today|This|That|In|On|At|And|But|We|He|She|They|It|Our|Their|"
                      "His|Her|Yesterday|Also|Additionally|Both|Under|Through|With|From|For|As|"
                      "President|Secretary|Minister|Vice|Prime")
_NOUN_FOLLOWERS = _words(
    ". , ; : ) ' and or is was will has have had would can could should must to in on at for "
    "with as by from remains continues also stands welcomes announced is, are were does did")


_Capital = tuple[int, int, str]  # start, end and text of a capitalised word


@dataclass(frozen=True)
class _Entry:
    """What a gazetteer name stands for."""

    kind: str  # "place" or "org"
    value: str | None  # canonical country or org name
    takes_article: bool  # "the United States": the span starts at "the" when it is there
    needs_article: bool = False  # "the Atlantic" is a place, "Atlantic cooperation" is not


def _is_word_start(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")


def _ranges(spans: Collection[Span]) -> list[tuple[int, int]]:
    return [(span.start, span.end) for span in spans]


def _overlaps(start: int, end: int, ranges: Collection[tuple[int, int]]) -> bool:
    for other_start, other_end in ranges:
        if start < other_end and other_start < end:
            return True
    return False


def _add_unless_overlapping(spans: list[Span], span: Span,
                            blocked: Collection[tuple[int, int]] = ()) -> None:
    start, end = span.start, span.end
    for other in spans:
        if start < other.end and other.start < end:
            return
    if not blocked or not _overlaps(start, end, blocked):
        spans.append(span)


def _iso_date(year: str | None, month: str | None, day: str | None) -> str | None:
    """ISO form of what the text gives: YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD (no year)."""
    month_number = _MONTH_NUMBERS.get(month.lower().rstrip(".")) if month else None
    if day and month_number:
        try:
            datetime.date(int(year or 2000), month_number, int(day))  # 2000 has 29 February
        except ValueError:
            return None
        return (f"{year}-" if year else "--") + f"{month_number:02d}-{int(day):02d}"
    if month_number:
        return f"{year}-{month_number:02d}" if year else None
    return year


def _amount(numeral: str, scale: str | None) -> str:
    """"1.2", "billion" -> "1200000000"; keeps decimals only where they remain."""
    value = Decimal(numeral.replace(",", "")) * _SCALES.get((scale or "").strip().lower(), 1)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|\w+|[^\w\s]")


def _tokenize(text: str) -> list[tuple[str, int, int]]:
    """Words, abbreviations with dots ("U.S.", "H.E.") and single punctuation marks."""
    return [(match.group().replace("’", "'"), match.start(), match.end())
            for match in _TOKEN.finditer(text)]


@functools.lru_cache(maxsize=1)
def _build_gazetteer() -> dict[str, _Entry]:
    """Every known place and org name, mapped to what it stands for (built once a process)."""
    try:
        import pycountry
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("SpanFinder needs pycountry: pip install pycountry") from error
    entries: dict[str, _Entry] = {}

    def add(name: str, kind: str, value: str | None) -> None:
        article = bool(set(name.replace("-", " - ").split()) & _ARTICLE_WORDS) or \
            name in _ARTICLE_WORDS
        entries.setdefault(name, _Entry(kind, value, article, name in _REGIONS_NEEDING_ARTICLE))

    for name in _CITIES + _US_STATES:
        add(name, "place", None)
    for country in pycountry.countries:
        code = country.alpha_2
        canonical = _COUNTRY_NAME_OVERRIDES.get(code) or getattr(
            country, "common_name", None) or country.name
        names = [country.name, getattr(country, "official_name", None),
                 getattr(country, "common_name", None), canonical]
        for name in names + _COUNTRY_ALIASES.get(code, []):
            if name and "," not in name and "(" not in name:
                name = name.removeprefix("the ")
                add(name, "place", None if name in _AMBIGUOUS_COUNTRY_NAMES else canonical)
    add("Kosovo", "place", "Kosovo")  # not in ISO 3166
    for name in _REGIONS:
        add(name, "place", None)
    for canonical, *aliases in _ORGS:
        for name in [canonical, *aliases]:
            add(name, "org", canonical)
    return entries


class SpanFinder:
    """Finds typed spans (see `KINDS`) in one sentence with regular expressions and word lists.

    Example:
        finder = SpanFinder()
        spans = finder.find("On 6 July 2021, H.E. Retno Marsudi met Russia's minister.")
        # [Span("date", "6 July 2021", 3, 14, "2021-07-06"),
        #  Span("person", "H.E. Retno Marsudi", 16, 34, "Retno Marsudi"),
        #  Span("place", "Russia", 39, 45, "Russia")]

    Dates are valued as ISO "YYYY-MM-DD", "YYYY-MM", "YYYY" or "--MM-DD" (no year given);
    ranges by their first day; money as "150000000 USD"; numbers as "1000", "25", "40%";
    persons by the bare name; places by the canonical country name; orgs by their full name.
    """

    def __init__(self) -> None:
        self._names = _build_gazetteer()
        self._gazetteer = {tuple(token for token, _, _ in _tokenize(name)): entry
                           for name, entry in self._names.items()}
        self._lengths_by_first_token: dict[str, list[int]] = {}
        for key in self._gazetteer:
            self._lengths_by_first_token.setdefault(key[0], []).append(len(key))
        for lengths in self._lengths_by_first_token.values():
            lengths.sort(reverse=True)
        # Patterns start with a literal or a character class, never with a look-behind:
        # the regex engine then skips ahead fast, which keeps a sentence at ~0.05 ms.
        self._compile_gates()
        self._compile_date_patterns()
        self._compile_amount_patterns()
        self._compile_person_patterns()
        self._compile_org_and_place_patterns()

    @property
    def names(self) -> Mapping[str, str]:
        """Lower-cased gazetteer names mapped to their usual spelling ("asean" -> "ASEAN")."""
        return {name.lower(): name for name in self._names}

    def find(self, text: str, kinds: Collection[str] | None = None) -> list[Span]:
        """Return the spans of the wanted kinds (all by default), sorted by start offset.

        Spans of one kind never overlap; spans of different kinds may ("the Republic of
        Korea" is a place inside a minister's title; "G7" is an org, and no number).
        """
        wanted = _ALL_KINDS if kinds is None else frozenset(kinds)
        unknown = wanted - _ALL_KINDS
        if unknown:
            raise ValueError(f"kinds must be among {KINDS}; got unknown {sorted(unknown)}")
        blocked = self._blocked_ranges(text)
        found: dict[str, list[Span]] = {kind: [] for kind in KINDS}
        if not wanted.isdisjoint(("date", "money", "number")):
            has_digit = any(digit in text for digit in "0123456789")
            found["date"] = self._dates(text, blocked, has_digit)
            found["money"] = self._money(text, blocked) if has_digit else []
            if "number" in wanted:
                taken = blocked + _ranges(found["date"]) + _ranges(found["money"])
                found["number"] = self._numbers(text, taken, has_digit)
        if not wanted.isdisjoint(("person", "place", "org")):
            # (start, end, word) of every capitalised word: the name finders all start there.
            capitals = [(match.start(), match.end(), match.group())
                        for match in self._capital_word.finditer(text)]
            found["place"], found["org"] = self._gazetteer_spans(text, capitals, blocked)
            found["person"] = self._persons(text, capitals, blocked,
                                            found["place"] + found["org"])
            self._add_places_after_prepositions(text, capitals, blocked, found)
            self._add_orgs(text, capitals, blocked, found)
        spans = [span for kind in wanted for span in found[kind]]
        return sorted(spans, key=lambda span: (span.start, span.end, span.kind))

    def _compile_gates(self) -> None:
        self._calendar_word = re.compile(
            r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Monday|Tuesday|Wednesday|"
            r"Thursday|Friday|Saturday|Sunday)")
        self._url = re.compile(r"https?://\S+|www\.\S+|\]\([^)]*\)|[\w.+-]+@[\w-]+\.[\w.]+")
        self._capital_word = re.compile(r"[A-Z](?:(?:\.[A-Z])+\.|[\w&]*)")

    def _blocked_ranges(self, text: str) -> list[tuple[int, int]]:
        """URLs and e-mail addresses: their digits and words are no spans."""
        if "http" not in text and "www." not in text and "](" not in text and "@" not in text:
            return []
        return [match.span() for match in self._url.finditer(text)]

    # --- dates -----------------------------------------------------------------------------
    def _compile_date_patterns(self) -> None:
        day = rf"(?P<day>\d(?<![\w.,$]\d)\d?){_ORDINAL}"
        year = rf"(?P<year>{_YEAR})"
        self._day_month = re.compile(
            rf"{day}(?:\s*[-–]\s*\d{{1,2}}{_ORDINAL})?(?:\s+of)?\s+(?P<month>{_MONTH})"
            rf"(?:,?\s+{year})?(?!\w)")
        self._month_day = re.compile(
            rf"(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}){_ORDINAL}"
            rf"(?:\s*[-–]\s*(?:{_MONTH}\s+)?\d{{1,2}}{_ORDINAL})?(?!\d)"
            rf"(?:,?\s+{year})?(?!\w|,\d)")
        self._month_year = re.compile(
            rf"(?P<month>{_MONTH_FULL})(?:\s+of)?,?\s+{year}(?!\w|[.,]\d)")
        # A year, or a period of years ("Plan of Action 2021-2025"): no ISO value for those.
        self._year = re.compile(
            rf"(?P<year>{_YEAR})(?<![\w$€£¥.,/#:]\d{{4}})"
            rf"(?:(?P<period>\s*[-–/]\s*(?:{_YEAR}|\d{{2}}))(?!\w|%|[.,]\d)"
            rf"|(?!\w|%|[.,]\d|\s*[-–]\s*\d|\s+(?:million|billion|thousand|percent|hundred)\b))")
        self._weekday_or_month = re.compile(
            rf"(?P<weekday>{_WEEKDAY})\b|(?P<month>{_MONTH_FULL})\b(?!\s+\d)")
        self._weekday_before = re.compile(rf"{_WEEKDAY},?\s+$")
        self._month_preposition_before = re.compile(
            r"\b(?:in|since|by|until|till|from|through|during|early|late|mid-?|last|next|"
            r"this|of|before|after)\s*$")

    def _dates(self, text: str, blocked: list[tuple[int, int]], has_digit: bool) -> list[Span]:
        spans: list[Span] = []
        has_calendar_word = self._calendar_word.search(text) is not None
        patterns = []
        if has_digit and has_calendar_word:
            patterns += [self._day_month, self._month_day, self._month_year]
        if has_digit:
            patterns.append(self._year)
        for pattern in patterns:
            for match in pattern.finditer(text):
                self._add_date(spans, text, match, blocked)
        for match in self._weekday_or_month.finditer(text) if has_calendar_word else ():
            start = match.start()
            # A month alone is a date only after "in", "since" ...: "May" is also a verb.
            if match.group("weekday") and text[max(0, start - 6):start].rstrip().endswith(
                    _HOLIDAY_WORDS):
                continue  # "Good Friday Agreement"
            if _is_word_start(text, start) and (match.group("weekday") or
                                                self._month_preposition_before.search(
                                                    text, max(0, start - 9), start)):
                _add_unless_overlapping(spans, Span("date", match.group(), start, match.end()),
                                        blocked)
        return sorted(spans, key=lambda span: span.start)

    def _add_date(self, spans: list[Span], text: str, match: re.Match,
                  blocked: list[tuple[int, int]]) -> None:
        groups = match.groupdict()
        if not _is_word_start(text, match.start()) or (
                groups.get("day") and not 1 <= int(groups["day"]) <= 31):
            return
        start = match.start()
        if groups.get("day"):
            weekday = self._weekday_before.search(text, max(0, start - 12), start)
            start = weekday.start() if weekday else start
        value = None if groups.get("period") else _iso_date(groups.get("year"),
                                                             groups.get("month"), groups.get("day"))
        _add_unless_overlapping(spans, Span("date", text[start:match.end()], start, match.end(),
                                            value), blocked)

    # --- money and numbers ---------------------------------------------------------------
    def _compile_amount_patterns(self) -> None:
        currency = r"(?:US\s?\$|U\.S\.\s?\$|USD\s?\$?|EUR|A\$|S\$|C\$|€|£|¥|\$)"
        scale = r"(?:\s*(?:thousand|million|billion|trillion)\b|(?:bn|mn|m|b|k|BN|B|M|K)\b)"
        suffix = (r"(?:\s*(?:U\.S\.\s+dollars|US\s+dollars|dollars|USD|euros|EUR|yen|riels?|KHR)"
                  r"\b)")
        self._money_patterns = [
            re.compile(rf"(?P<prefix>{currency})\s?(?P<numeral>{_NUMERAL})"
                       rf"(?P<scale>{scale})?(?P<suffix>{suffix})?"),
            re.compile(rf"(?P<numeral>\d(?<![\w$.,]\d)(?:{_NUMERAL_TAIL}))(?P<scale>{scale})?"
                       rf"(?P<suffix>{suffix})"),
        ]
        self._digit_number = re.compile(
            rf"(?P<numeral>\d(?<![\w$€£¥.,:/+]\d)(?<!\w-\d)(?:{_NUMERAL_TAIL}))"
            rf"(?![\w+]|[.,:/]\d|<sup>)"
            rf"(?:\s+(?P<scale>hundred|thousand|million|billion|trillion)\b)?"
            rf"(?P<percent>\s?%|\s+percent\b|\s+per\s+cent\b)?")
        word = _alternation(_WORD_NUMBERS)
        self._word_number = re.compile(
            rf"(?P<words>(?:{word})(?:-(?:{word}))?)"
            rf"(?:\s+(?P<scale>hundred|thousand|million|billion|trillion)\b)?"
            rf"(?P<percent>\s+percent\b)?(?![\w-])")
        self._not_a_count = re.compile(r"\s?(?:a\.m\.|p\.m\.|AM\b|PM\b|A\.M\.|P\.M\.)")
        self._phone_neighbour_after = re.compile(r"\)?[ -]\d{2,4}\b")
        self._phone_neighbour_before = re.compile(r"\d\)?[ -]$")

    def _money(self, text: str, blocked: list[tuple[int, int]]) -> list[Span]:
        if not any(hint in text for hint in _MONEY_HINTS):
            return []
        spans: list[Span] = []
        for pattern in self._money_patterns:
            for match in pattern.finditer(text):
                if not _is_word_start(text, match.start()) and match.group()[0].isalpha():
                    continue  # "FUSD 5"
                prefix = (match.groupdict().get("prefix") or "").replace(" ", "").lower()
                suffix = " ".join((match.group("suffix") or "").split()).lower()
                if prefix.startswith("usd"):
                    prefix = "usd"
                currency = _CURRENCY_PREFIXES.get(prefix) or _CURRENCY_SUFFIXES.get(suffix, "USD")
                value = f"{_amount(match.group('numeral'), match.group('scale'))} {currency}"
                matched = match.group().rstrip()
                _add_unless_overlapping(spans, Span("money", matched, match.start(),
                                                    match.start() + len(matched), value), blocked)
        return sorted(spans, key=lambda span: span.start)

    def _numbers(self, text: str, taken: list[tuple[int, int]], has_digit: bool) -> list[Span]:
        spans: list[Span] = []
        for match in self._digit_number.finditer(text) if has_digit else ():
            if self._is_label(text, match.start(), match.end("numeral")):
                continue
            value = _amount(match.group("numeral"), match.group("scale"))
            self._add_number(spans, match, value, taken)
        lowered = text[:12].lower() + text[12:]  # a capitalised number word starts a sentence
        for match in self._word_number.finditer(lowered):
            words = match.group("words")
            if not _is_word_start(text, match.start()) or words in ("one", "zero") and not \
                    match.group("scale"):
                continue  # "one of", "no one": rarely a count
            if text[match.start()].isupper() and match.start() > 0:
                continue  # "Five Point Consensus", "Group of Seven": part of a name
            first, _, second = words.partition("-")
            value = str((_WORD_NUMBERS[first] + _WORD_NUMBERS.get(second, 0)) *
                        _SCALES.get(match.group("scale") or "", 1))
            self._add_number(spans, match, value, taken, text)
        return sorted(spans, key=lambda span: span.start)

    def _is_label(self, text: str, start: int, end: int) -> bool:
        """A number that counts nothing: "Section 232", "2.0", "3:04 P.M.", a phone number."""
        return (self._is_enumerator(text, start, end) or text.endswith(".0", start, end)
                or _LABEL_BEFORE.search(text, max(0, start - 14), start) is not None
                or self._not_a_count.match(text, end) is not None
                or self._phone_neighbour_after.match(text, end) is not None
                or self._phone_neighbour_before.search(text, max(0, start - 3), start) is not None)

    @staticmethod
    def _is_enumerator(text: str, start: int, end: int) -> bool:
        """List numbers: "1. **SEEK** to engage", "(2) describes"."""
        if text[end:end + 1] in (".", ")") and (not text[:start].strip() or (
                not text[end + 1:].strip() and text[:start].rstrip().endswith((".", ":")))):
            return True  # "1. **SEEK** ...", "... globally. 3."
        return text[start - 1:start] == "(" and text[end:end + 1] == ")" and end - start <= 2

    @staticmethod
    def _add_number(spans: list[Span], match: re.Match, value: str,
                    taken: list[tuple[int, int]], text: str | None = None) -> None:
        if match.group("percent"):
            value += "%"
        matched = match.group() if text is None else text[match.start():match.end()]
        span = Span("number", matched, match.start(), match.end(), value)
        _add_unless_overlapping(spans, span, taken)

    # --- persons ---------------------------------------------------------------------------
    def _compile_person_patterns(self) -> None:
        upper = "A-ZÀ-ÖØ-Þ"
        not_name = _alternation(_NOT_NAMES)
        name_token = rf"(?!(?:{not_name})(?![\w\-]))(?:[A-Z]\.|[{upper}][\w\-]*\w)"
        particle = _alternation(_NAME_PARTICLES)
        name = (rf"(?P<name>{name_token}(?:(?:\s+(?:{particle}))*\s+{name_token}){{0,3}}"
                rf"{_NAME_SUFFIXES}?)")
        modifier = _alternation(_TITLE_MODIFIERS)
        department = (rf"\s+(?:of|for)\s+(?:{_alternation(_TITLE_DEPARTMENTS)})"
                      rf"|\s+to\s+(?:the\s+)?[{upper}][\w.\-]*\w\.?")  # "Ambassador to Japan"
        head = rf"(?:{_alternation(_TITLE_HEADS)})(?:{department})?"
        self._title_head = re.compile(_alternation(_TITLE_HEADS))
        # Matched from a head word ("Minister"); the modifiers before it ("Deputy Prime")
        # are found looking back, so no pattern has to be tried at every position.
        self._titled_person = re.compile(
            rf"{head}(?:\s+(?:(?:{modifier})\s+)*{head})*\s+{name}")
        self._preposition_end = re.compile(r"\b(?:of|for|on)\s+(?:the\s+)?$")
        self._modifiers_before = re.compile(rf"(?<![\w.\-])(?:(?:{modifier})\s+)+$")
        plain = rf"[{upper}][a-zà-ÿ]+(?:-[{upper}]?[a-zà-ÿ]+)?"
        self._plain_name = re.compile(
            rf"{plain}(?:\s+[A-Z]\.)?\s+{plain}(?:\s+{plain})?(?![\w\-]|\s+[{upper}]|'s|’s)")
        self._guess_context = re.compile(r"(?:(?<!\w)(?P<word>by|with|and)|[.;:,])\s+$")
        self._speech_verb_after = re.compile(rf"\s+(?:{_alternation(_SPEECH_VERBS)})\b")

    def _persons(self, text: str, capitals: list[_Capital], blocked: list[tuple[int, int]],
                 named: list[Span]) -> list[Span]:
        spans = list(self._titled_persons(text, blocked))
        guessed = blocked + _ranges(named)
        for start, end in self._guessed_names(text, capitals):
            name = text[start:end]
            tokens = [token for token in re.split(r"[\s\-]+", name) if len(token) > 2]
            if any(token in _NOT_GIVEN_NAMES or (token,) in self._gazetteer for token in tokens):
                continue
            _add_unless_overlapping(spans, Span("person", name, start, end, name), guessed)
        return sorted(spans, key=lambda span: span.start)

    def _titled_persons(self, text: str, blocked: list[tuple[int, int]]) -> list[Span]:
        """ "H.E. Retno Marsudi", "His Excellency Deputy Prime Minister PRAK Sokhonn"."""
        spans: list[Span] = []
        covered_until = 0
        for head in self._title_head.finditer(text):
            position = head.start()
            if position < covered_until or not _is_word_start(text, position):
                continue
            match = self._titled_person.match(text, position)
            if match is None or (match.group("name").split()[0],) in self._gazetteer:
                continue  # "the President said"; "Ambassador ASEAN"
            modifiers = self._modifiers_before.search(text, max(0, position - 60), position)
            start = position
            if modifiers and not self._preposition_end.search(text, max(0, modifiers.start() - 9),
                                                              modifiers.start()):
                start = modifiers.start()  # not "Department of [Energy] Secretary Granholm"
            covered_until = match.end()
            _add_unless_overlapping(spans, Span("person", text[start:match.end()], start,
                                                match.end(), match.group("name")), blocked)
        return spans

    def _guessed_names(self, text: str, capitals: list[_Capital]) -> Iterator[tuple[int, int]]:
        """ "met with Fumio Kishida", "Fumio Kishida said": names without a title."""
        for index, (start, end, _) in enumerate(capitals[:-1]):
            if capitals[index + 1][0] - end > 4:
                continue  # a name needs a second capitalised word right after the first
            context = self._guess_context.search(text, max(0, start - 6), start) if start else None
            if start and context is None:
                continue
            name = self._plain_name.match(text, start)
            if name is None:
                continue
            introduced = context is not None and context.group("word") in ("by", "with")
            if introduced or self._speech_verb_after.match(text, name.end()):
                yield start, name.end()

    # --- places and organisations ----------------------------------------------------------
    def _compile_org_and_place_patterns(self) -> None:
        upper = "A-ZÀ-ÖØ-Þ"
        word = rf"(?:[{upper}][\w\-]*\w|(?:[A-Z]\.){{2,}}(?:-\w+)?)"
        self._the_before = re.compile(r"(?<![\w])[Tt]he\s+$")
        self._preposition_the_before = re.compile(r"\b(?:at|in|to|from)\s+the\s+$")
        self._org_head_first = re.compile(
            rf"(?:{_ORG_HEADS_FIRST})\s+(?:of|for|on)\s+(?:the\s+)?{word}"
            rf"(?:\s+(?:and\s+)?{word}){{0,5}}")
        self._org_head_last = re.compile(rf"(?:{_ORG_HEADS_LAST})\b")
        self._words_before_head = re.compile(rf"(?<![\w\-])(?:{word}\s+(?:and\s+)?){{1,5}}$")
        self._sentence_opener = re.compile(rf"(?:(?:{_SENTENCE_OPENERS})\s+)+")
        self._place_name = re.compile(
            rf"[{upper}][a-zà-ÿ]+(?:-[{upper}]?[a-zà-ÿ]+)*(?:\s+[{upper}][a-zà-ÿ]+){{0,2}}"
            rf"(?=\s*(?:[,.;:)!?]|$)|\s+[a-z])")
        self._acronym = re.compile(r"[A-Z][A-Z&]{1,7}(?:-Plus)?(?=\))")

    def _gazetteer_spans(self, text: str, capitals: list[_Capital],
                         blocked: list[tuple[int, int]]) -> tuple[list[Span], list[Span]]:
        places: list[Span] = []
        orgs: list[Span] = []
        covered_until = 0
        for start, end, word in capitals:
            lengths = self._lengths_by_first_token.get(word)
            if not lengths or start < covered_until or not _is_word_start(text, start):
                continue
            if lengths[0] == 1 and word not in ("U.S.", "US"):
                entry = self._gazetteer[(word,)]
            else:  # a longer name may start here: look at the next few tokens
                tokens = list(islice(_TOKEN.finditer(text, start), lengths[0] + 1))
                words = [token.group().replace("’", "'") for token in tokens]
                length, entry = self._longest_entry(words, lengths)
                if entry is None or self._is_adjective_us(words, length):
                    continue
                end = tokens[length - 1].end()
            covered_until = end
            span = self._gazetteer_span(text, start, end, entry)
            if span is not None:
                _add_unless_overlapping(places if span.kind == "place" else orgs, span, blocked)
        return places, orgs

    def _longest_entry(self, words: list[str], lengths: list[int]) -> tuple[int, _Entry | None]:
        for length in lengths:
            entry = self._gazetteer.get(tuple(words[:length])) if length <= len(words) else None
            if entry is not None:
                return length, entry
        return 0, None

    def _gazetteer_span(self, text: str, start: int, end: int, entry: _Entry) -> Span | None:
        name = text[start:end]
        kind, value = entry.kind, entry.value
        the = self._the_before.search(text, max(0, start - 5), start)
        if entry.needs_article and the is None:
            return None
        if name in _PLACE_AFTER_PREPOSITION:
            after_preposition = self._preposition_the_before.search(
                text, max(0, start - 10), start) is not None
            kind, value = ("place", None) if after_preposition else ("org", entry.value)
        if the is not None and entry.takes_article:
            start = the.start()
        return Span(kind, text[start:end], start, end, value)

    @staticmethod
    def _is_adjective_us(words: list[str], length: int) -> bool:
        """ "U.S." and "US" name the country only as a noun: "the U.S. and Japan", not
        "U.S.-ASEAN" or "the U.S. commitment"."""
        if length != 1 or words[0] not in ("U.S.", "US"):
            return False
        following = words[1] if len(words) > 1 else ""
        return following not in _NOUN_FOLLOWERS

    def _add_places_after_prepositions(self, text: str, capitals: list[_Capital],
                                       blocked: list[tuple[int, int]],
                                       found: dict[str, list[Span]]) -> None:
        """ "in Vientiane", "travel to Camp David": capitalised words after a preposition."""
        taken = blocked + _ranges(found["place"] + found["org"] + found["person"])
        for start, _, _ in capitals:
            if not start or not text[max(0, start - 4):start].rstrip().endswith(
                    _PREPOSITION_ENDINGS) or not self._follows_preposition(text, start):
                continue  # the cheap test first: most capitalised words follow no preposition
            match = self._place_name.match(text, start)
            if match is None or not _is_word_start(text, start):
                continue
            words = match.group().split()
            if any(word in _NON_PLACE_WORDS for word in words) or len(words) == 1 and \
                    match.group().endswith(("ese", "ish", "ian", "ean", "can", "ans", "i", "ic")):
                continue  # "in Congress", "in Spanish", "to American workers"
            _add_unless_overlapping(found["place"], Span("place", match.group(), start,
                                                         match.end()), taken)
        found["place"].sort(key=lambda span: span.start)

    @staticmethod
    def _follows_preposition(text: str, start: int) -> bool:
        before = text[max(0, start - 40):start].split()
        if before and before[-1] in ("the", "The"):
            before.pop()
        if not before:
            return False
        if len(before) > 2 and before[-2][:1].isupper() and before[-3][:1].isupper():
            return False  # inside a Title Case name: "Labor Exploitation in Fishing"
        if before[-1] in _PLACE_PREPOSITIONS:
            return True
        return before[-1] == "to" and len(before) > 1 and before[-2].startswith(_TRAVEL_VERBS)

    def _add_orgs(self, text: str, capitals: list[_Capital], blocked: list[tuple[int, int]],
                  found: dict[str, list[Span]]) -> None:
        """Named bodies ("Ministry of Foreign Affairs", "Pacific Islands Forum") after the
        gazetteer's orgs, longer names first; then acronyms that a name introduces:
        "International Energy Agency (IEA)". Other all-capital words ("ARP", "TPS") are too
        often programmes or laws to count as orgs."""
        orgs = found["org"]
        place_ends = {span.end for span in found["place"]}
        persons = found["person"]
        for span in sorted(self._org_phrases(text), key=lambda span: span.start - span.end):
            if span.end in place_ends:
                continue  # "the West Bank" is no bank
            span = self._cut_at_person(text, span, persons)
            if span is not None:
                _add_unless_overlapping(orgs, span, blocked)
        orgs.sort(key=lambda span: span.start)
        ends = {span.end: span for span in orgs}
        for start, _, _ in capitals:
            if text[start - 1:start] != "(":
                continue
            acronym = self._acronym.match(text, start)
            named = ends.get(start - 2) or ends.get(start - 1)
            if acronym is None:
                continue
            initial = re.sub(r"^[Tt]he\s+", "", named.text)[:1] if named is not None else ""
            if initial == acronym.group()[0]:
                _add_unless_overlapping(orgs, Span("org", acronym.group(), acronym.start(),
                                                   acronym.end(), named.value), blocked)
        orgs.sort(key=lambda span: span.start)

    @staticmethod
    def _cut_at_person(text: str, span: Span, persons: list[Span]) -> Span | None:
        """ "Council on Environmental Quality Chair Brenda Mallory" -> the council alone."""
        for person in persons:
            if span.start < person.start < span.end:
                kept = re.sub(r"(?:\s+(?:of|for|on|and|the))+\s*$", "",
                              text[span.start:person.start].rstrip())
                end = span.start + len(kept)
                return Span("org", text[span.start:end], span.start, end) if len(
                    text[span.start:end].split()) > 1 else None
            if person.start <= span.start < person.end:
                return None
        return span

    def _org_phrases(self, text: str) -> list[Span]:
        spans = []
        for match in self._org_head_first.finditer(text):
            if _is_word_start(text, match.start()):
                spans.append(self._org_span(text, match.start(), match.end()))
        for head in self._org_head_last.finditer(text):
            if not _is_word_start(text, head.start()):
                continue
            words = self._words_before_head.search(text, max(0, head.start() - 100), head.start())
            if words is not None:
                spans.append(self._org_span(text, words.start(), head.end()))
        return [span for span in spans if span is not None]

    def _org_span(self, text: str, start: int, end: int) -> Span | None:
        opener = self._sentence_opener.match(text, start, end)
        start = opener.end() if opener else start
        if len(text[start:end].split()) < 2:
            return None  # a bare head word: "the Council"
        the = self._the_before.search(text, max(0, start - 5), start)
        start = the.start() if the else start
        return Span("org", text[start:end], start, end)
