"""Spans a question or topic names as one whole: dates, amounts, titled persons, places, orgs.

`QuestionAnalyzer` keeps each span as one entity ("6 July 2021", "$150 million", "Republic of
Korea", the bare name of "Deputy Prime Minister PRAK Sokhonn") and reads the other names off
the capitalised words. Rules on purpose: a topic is analysed on every call, and spaCy is
loaded only at ingest. Countries come from pycountry plus the short forms press releases use
("Burma", "Lao PDR"), both in `qa.language.lexicon`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from qa.language.lexicon import (AUXILIARIES, HONORIFICS, MAGNITUDES, MONTH_ABBREVIATIONS, MONTHS,
                                  NAME_PARTICLES, ORG_ALIASES, WEEKDAYS, alternation, country_names)
from qa.records import Span

KINDS = ("date", "money", "number", "person", "place", "org")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- dates -----------------------------------------------------------------------------
_MONTH_FULL = rf"(?:{alternation(MONTHS)})"
_MONTH = rf"(?:{_MONTH_FULL}|(?:{alternation(MONTH_ABBREVIATIONS)})\.?)"
_WEEKDAY = rf"(?:(?:{alternation(WEEKDAYS)}),?\s+)?"
_MAGNITUDE = alternation(MAGNITUDES)
_ORDINAL = r"(?:st|nd|rd|th|<sup>(?:st|nd|rd|th)</sup>)?"
_DAY = rf"(?:3[01]|[12]\d|0?[1-9]){_ORDINAL}"
_YEAR = r"(?:19|20)\d{2}"
# One alternative a form: "6-7 July 2021", "October 31–November 1, 2022", "October 2021",
# "2022", and a period of years ("Plan of Action 2021-2025").
_DATE = re.compile("|".join([
    rf"{_WEEKDAY}(?<![\w.,$]){_DAY}(?:\s*[-–]\s*{_DAY})?(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?"
    rf"(?!\w)",
    rf"(?<!\w){_WEEKDAY}{_MONTH}\s+{_DAY}(?:\s*[-–]\s*(?:{_MONTH}\s+)?{_DAY})?(?!\d)"
    rf"(?:,?\s+{_YEAR})?(?!\w|,\d)",
    rf"(?<!\w){_MONTH_FULL}(?:\s+of)?,?\s+{_YEAR}(?!\w|[.,]\d)",
    rf"(?<![\w$€£¥.,/#:]){_YEAR}(?:\s*[-–/]\s*(?:{_YEAR}|\d{{2}})(?!\w|%|[.,]\d)"
    rf"|(?!\w|%|[.,]\d|\s*[-–]\s*\d|\s+(?:{_MAGNITUDE}|percent)\b))",
]))

# --- amounts ---------------------------------------------------------------------------
_CURRENCY = r"(?:US\s?\$|U\.S\.\s?\$|USD\s?\$?|EUR|A\$|S\$|C\$|€|£|¥|\$)"
# "2,000", "1.2", "5bn", "40 million"; not "COVID-19", "G7", "2+2", "3:04" or "25th".
_NUMBER = (r"(?P<numeral>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?:(?:bn|mn|m|b|k|BN|B|M|K)\b"
           rf"|(?![\w+]|[.,:/]\d|<sup>)(?:\s+(?:{_MAGNITUDE})\b)?)")
_AMOUNT = re.compile(
    rf"(?:(?P<prefix>{_CURRENCY})\s?|(?<![\w.,:/+])(?<!\w-)){_NUMBER}(?:\s?%|\s+per\s*cent\b"
    rf"|(?P<suffix>\s+(?:U\.S\.\s+dollars|US\s+dollars|dollars|USD|euros|EUR|yen|riels?|KHR)\b))?")
# What makes a number a label, not a quantity: "Section 232", "3:04 P.M.", "(855) 23 216 141".
_LABEL_BEFORE = re.compile(
    r"\b(?:Section|Article|Title|Resolution|Chapter|No\.|Number|Phase|Part|Annex|Room|"
    r"Flight|Pillar|Tier|Level|Category|Order|District|Route|Act|Decree|Law|Group|Version|"
    r"UNSCR|Step|Stage|Item|Paragraph|Goal|SDG)\s+$|\d\)?[ -]$")
_LABEL_AFTER = re.compile(r"\s?(?:a\.m\.|p\.m\.|AM\b|PM\b|A\.M\.|P\.M\.)|\)?[ -]\d{2,4}\b")

# --- persons ---------------------------------------------------------------------------
_TITLE_HEADS = _words(
    "President President-elect Minister Secretary Secretary-General Ambassador Excellency "
    "Excellencies Majesty Highness King Queen Sultan "
    "Prince Princess Emir Amir Sheikh Sheikha Chancellor Premier Senator Sen. Governor Gov. "
    "Gen. Admiral Adm. Advisor Adviser Spokesperson Spokesman Spokeswoman Chairman "
    "Chairwoman Chair Chairperson Director Director-General Mayor Administrator "
    "Representative Rep. Envoy Commissioner Coordinator Counselor Counsellor Speaker Leader "
    "Pope Taoiseach Tánaiste Sir Dame Judge Congressman Congresswoman Colonel Col. "
    "Captain Capt. Archbishop Bishop Cardinal Reverend Rev. Professor Prof. Lord Lady "
    "Commander Councilmember Presidents Ministers Secretaries Senators Ambassadors Governors "
    "Mayors")
# An honorific with one stop is also written without it ("Mr Lee"); "H.E" is not.
_TITLE_HEADS |= {*HONORIFICS, *(title.rstrip(".") for title in HONORIFICS if title.count(".") == 1)}
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
_NAME_SUFFIXES = r"(?:,?\s+(?:Jr\.|Sr\.|Jr\b|Sr\b|II\b|III\b|IV\b))"
# Capitalised words that end or refuse a name ("President Biden Administration").
_NOT_NAMES = (_TITLE_HEADS - {"Sheikh", "Sheikha"}) | _TITLE_MODIFIERS | {*MONTHS, *WEEKDAYS} | _words(
    "General Justice The A An And Or Of In On At To "
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
# --- places and organisations ----------------------------------------------------------
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
# Regions that are places only after "the": "the Atlantic", not "Atlantic cooperation".
_NEEDS_ARTICLE = _words(
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
    "Tegucigalpa", "Managua", "San Jose", "Panama City", "Caracas", "Quito",
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
    "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire",
    "New Jersey", "New Mexico", "North Carolina", "North Dakota", "Ohio", "Oklahoma",
    "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee",
    "Texas", "Utah", "Vermont", "Virginia", "West Virginia", "Wisconsin", "Wyoming",
    "Puerto Rico", "Guam"]
_ORGS = [
    *(name for group in ORG_ALIASES for name in group),
    "ASEAN", "Association of Southeast Asian Nations", "U.N.",
    "UN Security Council", "United Nations Security Council", "Security Council", "UNSC",
    "UN General Assembly", "United Nations General Assembly", "General Assembly", "UNGA",
    "NATO", "North Atlantic Treaty Organization", "G7", "Group of Seven", "G-7",
    "G20", "Group of Twenty", "G-20", "European Commission",
    "European Council", "East Asia Summit", "EAS", "ASEAN Regional Forum", "ARF",
    "ADMM-Plus", "ASEAN Defence Ministers' Meeting-Plus", "ASEAN Defence Ministers' Meetings-Plus",
    "ASEAN Defense Ministers' Meeting-Plus", "ADMM Plus", "ADMM", "Quad", "AUKUS",
    "World Health Organization", "WHO", "World Bank", "International Monetary Fund", "IMF",
    "World Trade Organization", "WTO", "APEC", "Asia-Pacific Economic Cooperation", "OECD",
    "Indo-Pacific Economic Framework", "IPEF", "African Union", "Organization of American States",
    "OAS", "COVAX", "Gavi", "CEPI", "UNICEF", "UNHCR", "UNDP", "World Food Programme", "WFP",
    "IAEA", "International Atomic Energy Agency", "Mekong-U.S. Partnership",
    "Pacific Islands Forum", "Asian Development Bank", "ADB", "USAID",
    "U.S. Agency for International Development",
    "United States Agency for International Development", "State Department",
    "Department of State", "U.S. Department of State", "Congress", "Senate",
    "House of Representatives", "Pentagon", "National Security Council", "NSC",
    "Development Finance Corporation", "DFC", "U.S. International Development Finance Corporation",
    "Millennium Challenge Corporation", "MCC", "Export-Import Bank", "EXIM", "Peace Corps",
    "Kremlin", "Hamas", "Taliban", "ISIS", "Red Cross", "ICRC", "OPEC", "Mekong River Commission",
    "CARICOM", "BRICS", "Human Rights Council", "International Criminal Court", "Supreme Court",
    "European Parliament", "White House", "Shangri-La Dialogue", "Quad Leaders' Summit",
    *"USDA DHS DOD DoD DOE EPA FEMA HHS CDC FBI CIA NASA USTR OMB NIH FDA DOJ DOI SBA NOAA DARPA "
     "JICA KOICA".split()]
# Words of names that are usually written with "the" ("the Philippines", "the Quad").
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
_SENTENCE_OPENERS = ("The|the|Today|This|That|In|On|At|And|But|We|He|She|They|It|Our|Their|"
                      "His|Her|Yesterday|Also|Additionally|Both|Under|Through|With|From|For|As|"
                      "President|Secretary|Minister|Vice|Prime")
_NOUN_FOLLOWERS = AUXILIARIES | _words(
    ". , ; : ) ' and or to in on at for with as by from remains continues also stands welcomes "
    "announced")
_TOKEN_AFTER = re.compile(r"\s*((?:[A-Z]\.){2,}|\w+|[^\w\s]|$)")
_THE_BEFORE = re.compile(r"(?<!\w)[Tt]he\s+$")
_AFTER_PREPOSITION = re.compile(r"\b(?:at|in|to|from)\s+the\s+$")
# Org names that are places after a preposition: "at the White House".
_BUILDINGS = ("White House", "Pentagon", "Kremlin")


@functools.lru_cache(maxsize=1)
def _build_gazetteer() -> dict[str, str]:
    """Every known place and org name, mapped to its kind (built once a process)."""
    places = [*_CITIES, *country_names(), *_REGIONS]
    return dict.fromkeys(places, "place") | dict.fromkeys(_ORGS, "org")


class SpanFinder:
    """Finds dates, amounts, titled persons and place and org names (see `KINDS`) in a short text.

    Example:
        SpanFinder().find("Did H.E. Retno Marsudi meet ASEAN on 6 July 2021?")
        # [Span("person", "H.E. Retno Marsudi", 4, 22, "Retno Marsudi"),
        #  Span("org", "ASEAN", 28, 33), Span("date", "6 July 2021", 37, 48)]

    A person's `value` is the bare name; other spans have none.
    """

    def __init__(self) -> None:
        self._kinds = _build_gazetteer()
        name = alternation(self._kinds).replace("'", "['’]")
        # Every name starts with a capital: the look-ahead skips other positions fast.
        self._known_name = re.compile(rf"(?<!\w)(?=[A-ZÀ-Þ])(?:{name})(?!\w)")
        self._compile_person_patterns()
        self._compile_org_patterns()

    @property
    def names(self) -> Mapping[str, str]:
        """Lower-cased gazetteer names mapped to their usual spelling ("asean" -> "ASEAN")."""
        return {name.lower(): name for name in self._kinds}

    def find(self, text: str) -> list[Span]:
        """Return the spans sorted by start offset.

        Spans of one kind never overlap, and no number overlaps a date; spans of other kinds
        may ("the Republic of Korea" is a place inside a minister's title).
        """
        has_digit = any(digit in text for digit in "0123456789")
        dates = [Span("date", match.group(), match.start(), match.end())
                 for match in (_DATE.finditer(text) if has_digit else ())]
        amounts: list[Span] = []
        for match in _AMOUNT.finditer(text) if has_digit else ():
            kind = "money" if match.group("prefix") or match.group("suffix") else "number"
            if kind == "number" and _is_label(text, match.start(), match.end("numeral")):
                continue
            _add_unless_overlapping(amounts, Span(kind, match.group(), match.start(), match.end()), dates)
        places, orgs = self._known_names(text)
        persons = self._titled_persons(text)
        self._add_orgs(text, orgs, places, persons)
        spans = dates + amounts + places + orgs + persons
        return sorted(spans, key=lambda span: (span.start, span.end, span.kind))

    def _known_names(self, text: str) -> tuple[list[Span], list[Span]]:
        """Gazetteer names; "U.S." only as a noun ("the U.S. and Japan", not "U.S.-ASEAN")."""
        places: list[Span] = []
        orgs: list[Span] = []
        for match in self._known_name.finditer(text):
            name, start, end = match.group().replace("’", "'"), match.start(), match.end()
            the = _THE_BEFORE.search(text, max(0, start - 5), start)
            if name in _NEEDS_ARTICLE and the is None:
                continue  # "Atlantic cooperation"
            if name in ("U.S.", "US") and _TOKEN_AFTER.match(text, end).group(1) not in _NOUN_FOLLOWERS:
                continue
            after_preposition = _AFTER_PREPOSITION.search(text, max(0, start - 10), start)
            kind = "place" if name in _BUILDINGS and after_preposition else self._kinds[name]
            if the is not None and _ARTICLE_WORDS.intersection(name.replace("-", " - ").split()):
                start = the.start()  # "the United States"
            (places if kind == "place" else orgs).append(Span(kind, text[start:end], start, end))
        return places, orgs

    # --- persons ---------------------------------------------------------------------------
    def _compile_person_patterns(self) -> None:
        upper = "A-ZÀ-ÖØ-Þ"
        not_name = alternation(_NOT_NAMES)
        name_token = rf"(?!(?:{not_name})(?![\w\-]))(?:[A-Z]\.|[{upper}][\w\-]*\w)"
        particle = alternation(NAME_PARTICLES)
        name = (rf"(?P<name>{name_token}(?:(?:\s+(?:{particle}))*\s+{name_token}){{0,3}}"
                rf"{_NAME_SUFFIXES}?)")
        modifier = alternation(_TITLE_MODIFIERS)
        department = (rf"\s+(?:of|for)\s+(?:{alternation(_TITLE_DEPARTMENTS)})"
                      rf"|\s+to\s+(?:the\s+)?[{upper}][\w.\-]*\w\.?")  # "Ambassador to Japan"
        head = rf"(?:{alternation(_TITLE_HEADS)})(?:{department})?"
        self._title_head = re.compile(rf"(?<!\w)(?:{alternation(_TITLE_HEADS)})")
        # Matched from a head word ("Minister"); the modifiers before it ("Deputy Prime")
        # are found looking back, so no pattern has to be tried at every position.
        self._titled_person = re.compile(
            rf"{head}(?:\s+(?:(?:{modifier})\s+)*{head})*\s+{name}")
        self._preposition_end = re.compile(r"\b(?:of|for|on)\s+(?:the\s+)?$")
        self._modifiers_before = re.compile(rf"(?<![\w.\-])(?:(?:{modifier})\s+)+$")

    def _titled_persons(self, text: str) -> list[Span]:
        """ "H.E. Retno Marsudi", "His Excellency Deputy Prime Minister PRAK Sokhonn"."""
        spans: list[Span] = []
        covered_until = 0
        for head in self._title_head.finditer(text):
            position = head.start()
            match = self._titled_person.match(text, position) if position >= covered_until else None
            if match is None or match.group("name").split()[0] in self._kinds:
                continue  # "the President said"; "Ambassador ASEAN"
            modifiers = self._modifiers_before.search(text, max(0, position - 60), position)
            start = position
            if modifiers and not self._preposition_end.search(text, max(0, modifiers.start() - 9),
                                                              modifiers.start()):
                start = modifiers.start()  # not "Department of [Energy] Secretary Granholm"
            covered_until = match.end()
            _add_unless_overlapping(spans, Span("person", text[start:match.end()], start,
                                                match.end(), match.group("name")))
        return spans

    # --- organisations ---------------------------------------------------------------------
    def _compile_org_patterns(self) -> None:
        upper = "A-ZÀ-ÖØ-Þ"
        word = rf"(?:[{upper}][\w\-]*\w|(?:[A-Z]\.){{2,}}(?:-\w+)?)"
        self._org_head_first = re.compile(
            rf"(?<!\w)(?:{_ORG_HEADS_FIRST})\s+(?:of|for|on)\s+(?:the\s+)?{word}"
            rf"(?:\s+(?:and\s+)?{word}){{0,5}}")
        self._org_head_last = re.compile(rf"(?<!\w)(?:{_ORG_HEADS_LAST})\b")
        self._words_before_head = re.compile(rf"(?<![\w\-])(?:{word}\s+(?:and\s+)?){{1,5}}$")
        self._sentence_opener = re.compile(rf"(?:(?:{_SENTENCE_OPENERS})\s+)+")

    def _add_orgs(self, text: str, orgs: list[Span], places: list[Span], persons: list[Span]) -> None:
        """Named bodies ("Ministry of Foreign Affairs", "Pacific Islands Forum") after the
        gazetteer's orgs, longer names first."""
        place_ends = {span.end for span in places}
        for span in sorted(self._org_phrases(text), key=lambda span: span.start - span.end):
            if span.end in place_ends:
                continue  # "the West Bank" is no bank
            span = _cut_at_person(text, span, persons)
            if span is not None:
                _add_unless_overlapping(orgs, span)

    def _org_phrases(self, text: str) -> list[Span]:
        spans = [self._org_span(text, match.start(), match.end())
                 for match in self._org_head_first.finditer(text)]
        for head in self._org_head_last.finditer(text):
            words = self._words_before_head.search(text, max(0, head.start() - 100), head.start())
            if words is not None:
                spans.append(self._org_span(text, words.start(), head.end()))
        return [span for span in spans if span is not None]

    def _org_span(self, text: str, start: int, end: int) -> Span | None:
        opener = self._sentence_opener.match(text, start, end)
        start = opener.end() if opener else start
        if len(text[start:end].split()) < 2:
            return None  # a bare head word: "the Council"
        the = _THE_BEFORE.search(text, max(0, start - 5), start)
        start = the.start() if the else start
        return Span("org", text[start:end], start, end)


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


def _is_label(text: str, start: int, end: int) -> bool:
    """A number that counts nothing: "Section 232", "2.0", "3:04 P.M.", a phone number, a list's "1."."""
    enumerator = text[end:end + 1] in (".", ")") and (not text[:start].strip() or (
        not text[end + 1:].strip() and text[:start].rstrip().endswith((".", ":"))))
    return (enumerator or text[start - 1:start] + text[end:end + 1] == "()" and end - start <= 2
            or text.endswith(".0", start, end) or _LABEL_AFTER.match(text, end) is not None
            or _LABEL_BEFORE.search(text, max(0, start - 14), start) is not None)


def _add_unless_overlapping(spans: list[Span], span: Span, blocked: Iterable[Span] = ()) -> None:
    if not any(span.start < other.end and other.start < span.end for other in [*spans, *blocked]):
        spans.append(span)
