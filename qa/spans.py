"""Spans a question or topic names as one whole: dates, amounts, places and organisations.

`QuestionAnalyzer` keeps each span as one entity ("6 July 2021", "$150 million", "Republic of
Korea") and reads the other names off the capitalised words. Rules on purpose: a topic is
analysed on every call, and spaCy is loaded only at ingest. Countries come from pycountry plus
the short forms press releases use ("Burma", "Lao PDR").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from qa.records import Span

KINDS = ("date", "money", "number", "place", "org")

# --- dates -----------------------------------------------------------------------------
_MONTH_FULL = (r"(?:January|February|March|April|May|June|July|August|September|October"
               r"|November|December)")
_MONTH = rf"(?:{_MONTH_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_WEEKDAY = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
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
    rf"|(?!\w|%|[.,]\d|\s*[-–]\s*\d|\s+(?:million|billion|thousand|percent|hundred)\b))",
]))

# --- amounts ---------------------------------------------------------------------------
_CURRENCY = r"(?:US\s?\$|U\.S\.\s?\$|USD\s?\$?|EUR|A\$|S\$|C\$|€|£|¥|\$)"
# "2,000", "1.2", "5bn", "40 million"; not "COVID-19", "G7", "2+2", "3:04" or "25th".
_NUMBER = (r"(?<![\w.,:/+])(?<!\w-)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:(?:bn|mn|m|b|k|BN|B|M|K)\b"
           r"|(?![\w+]|[.,:/]\d|<sup>)(?:\s+(?:hundred|thousand|million|billion|trillion)\b)?)")
_AMOUNT = re.compile(
    rf"(?P<prefix>{_CURRENCY}\s?)?{_NUMBER}(?:\s?%|\s+per\s*cent\b|(?P<suffix>\s+(?:U\.S\.\s+dollars"
    rf"|US\s+dollars|dollars|USD|euros|EUR|yen|riels?|KHR)\b))?")

# --- places and organisations ----------------------------------------------------------
_COUNTRY_NAMES = [
    "Russia", "United States", "United Kingdom", "Brunei", "Türkiye",
    "Democratic Republic of the Congo", "Republic of the Congo", "Palestine", "Holy See",
    "Taiwan", "South Korea", "North Korea", "Laos", "Vietnam", "Iran", "Syria", "Bolivia",
    "Venezuela", "Tanzania", "Moldova", "Micronesia", "Czechia", "Côte d'Ivoire", "Macao",
    "Hong Kong", "Kosovo", "U.S.", "US", "U.S.A.", "USA", "United States of America", "America",
    "UK", "U.K.", "Britain", "Great Britain", "Russian Federation", "Republic of Korea", "ROK",
    "Korea", "DPRK", "Democratic People's Republic of Korea", "PRC", "People's Republic of China",
    "Viet Nam", "Lao PDR", "Lao People's Democratic Republic", "Burma", "Myanmar",
    "Brunei Darussalam", "Timor-Leste", "East Timor", "Turkey", "Turkiye", "Czech Republic",
    "Ivory Coast", "Cote d'Ivoire", "Cape Verde", "Swaziland", "Macedonia", "UAE", "U.A.E.",
    "Emirates", "Vatican", "DRC", "DR Congo", "State of Palestine", "Macau", "Holland",
    "Philippines"]
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
    "ASEAN", "Association of Southeast Asian Nations", "United Nations", "UN", "U.N.",
    "UN Security Council", "United Nations Security Council", "Security Council", "UNSC",
    "UN General Assembly", "United Nations General Assembly", "General Assembly", "UNGA",
    "NATO", "North Atlantic Treaty Organization", "G7", "Group of Seven", "G-7",
    "G20", "Group of Twenty", "G-20", "European Union", "EU", "European Commission",
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


@functools.lru_cache(maxsize=1)
def _build_gazetteer() -> dict[str, str]:
    """Every known place and org name, mapped to its kind (built once a process)."""
    try:
        import pycountry
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("SpanFinder needs pycountry: pip install pycountry") from error
    countries = [name.removeprefix("the ") for country in pycountry.countries
                 for name in (country.name, getattr(country, "official_name", None),
                              getattr(country, "common_name", None))
                 if name and "," not in name and "(" not in name]
    places = _CITIES + countries + _COUNTRY_NAMES + _REGIONS
    return dict.fromkeys(places, "place") | dict.fromkeys(_ORGS, "org")


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation that tries longer words first, so "Korean Peninsula" beats "Korea"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


class SpanFinder:
    """Finds dates, amounts and known place and org names (see `KINDS`) in a short text.

    Example:
        SpanFinder().find("Did ASEAN pledge $150 million on 6 July 2021?")
        # [Span("org", "ASEAN", 4, 9), Span("money", "$150 million", 17, 29),
        #  Span("date", "6 July 2021", 33, 44)]
    """

    def __init__(self) -> None:
        self._kinds = _build_gazetteer()
        self._known_name = re.compile(rf"(?<!\w)(?:{_alternation(self._kinds)})(?!\w)")

    @property
    def names(self) -> Mapping[str, str]:
        """Lower-cased gazetteer names mapped to their usual spelling ("asean" -> "ASEAN")."""
        return {name.lower(): name for name in self._kinds}

    def find(self, text: str) -> list[Span]:
        """Return the spans, sorted by start offset; spans never overlap.

        Dates come first, then amounts, then names: "2021" in "6 July 2021" is no number.
        """
        spans: list[Span] = []
        for match in _DATE.finditer(text):
            spans.append(Span("date", match.group(), match.start(), match.end()))
        for match in _AMOUNT.finditer(text):
            kind = "money" if match.group("prefix") or match.group("suffix") else "number"
            _add_unless_overlapping(spans, Span(kind, match.group(), match.start(), match.end()))
        for match in self._known_name.finditer(text):
            span = Span(self._kinds[match.group()], match.group(), match.start(), match.end())
            _add_unless_overlapping(spans, span)
        return sorted(spans, key=lambda span: span.start)


def _add_unless_overlapping(spans: list[Span], span: Span) -> None:
    if not any(span.start < other.end and other.start < span.end for other in spans):
        spans.append(span)
