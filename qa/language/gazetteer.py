"""The gazetteer: names of places and organisations, each mapped to its kind.

Places are the cities and US states, the regions, and every country of pycountry plus the
short forms press releases use ("Burma", "Lao PDR"), both in `qa.language.lexicon`;
organisations are the bodies press releases name and their acronyms. `SpanFinder` in
`qa.language.entity_finder` finds these names in a text.

Example:
    build_gazetteer()["ASEAN"]  # "org"
    build_gazetteer()["Phnom Penh"]  # "place"
"""

from __future__ import annotations

import functools

from qa.language.lexicon import ORG_ALIASES, country_names

REGIONS = [
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
NEEDS_ARTICLE = frozenset(
    "Atlantic Pacific Gulf Arctic Antarctic Caribbean Mediterranean Mekong Sahel Balkans Baltics "
    "Americas".split())
CITIES = [
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
ORGS = [
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
ARTICLE_WORDS = frozenset(
    "Republic Kingdom Federation States Emirates Islands Union Nations Sea Ocean Peninsula "
    "Strait Gulf Assembly Council Organization Bank Fund Forum Commission Agency Summit "
    "Department Corporation Programme Court Partnership Framework Netherlands Philippines "
    "Bahamas Gambia Maldives Comoros See Vatican Americas Caribbean Middle Indo-Pacific "
    "Asia-Pacific Pacific Arctic Baltics Balkans Sahel Horn Mekong Quad West Gaza White "
    "Kremlin Pentagon Senate Congo Hemisphere Triangle Parliament Dialogue Mediterranean "
    "Atlantic Bay Red Black Cross Corps".split())
# Org names that are places after a preposition: "at the White House".
BUILDINGS = ("White House", "Pentagon", "Kremlin")


@functools.lru_cache(maxsize=1)
def build_gazetteer() -> dict[str, str]:
    """Every known place and org name, mapped to its kind (built once a process)."""
    places = [*CITIES, *country_names(), *REGIONS]
    return dict.fromkeys(places, "place") | dict.fromkeys(ORGS, "org")
