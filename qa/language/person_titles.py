"""The words around a person's name in a press release: titles before it, suffixes after it.

"His Excellency Deputy Prime Minister PRAK Sokhonn", "Secretary of State Antony Blinken",
"Mr Lee", "Martin Luther King Jr.": `SpanFinder` in `qa.language.entity_finder` reads a
titled person as the title's head words (`TITLE_HEADS`), the modifiers before a head
(`TITLE_MODIFIERS`), a department after it (`TITLE_DEPARTMENTS`), then a name made of
capitalised words that are not `NOT_NAMES`.
"""

from __future__ import annotations

from qa.language.lexicon import HONORIFICS, MONTHS, WEEKDAYS


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLE_HEADS = _words(
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
TITLE_HEADS |= {*HONORIFICS, *(title.rstrip(".") for title in HONORIFICS if title.count(".") == 1)}
# Two-word heads: "General" alone starts too many names of things ("General Assembly").
TITLE_HEADS |= {"Secretary General", "Attorney General", "Surgeon General", "Director General",
                 "Governor General", "Inspector General", "Brigadier General",
                 "Lieutenant General", "Major General", "Chief Justice", "Associate Justice"}
TITLE_MODIFIERS = _words(
    "Vice Prime Deputy Foreign Defense Defence National Security Press Special Presidential "
    "Senior Chief Trade Finance Crown Majority Minority State Executive Assistant Under First "
    "Acting Principal Royal His Her Climate Economic Domestic Homeland Cyber Energy Health "
    "Agriculture Commerce Transportation Education Interior Labor Treasury Attorney Surgeon "
    "Lieutenant Major Brigadier Rear Grand Supreme Federal Permanent Cabinet Regional Country "
    "Resident Ranking White House Senate NSC USAID FEMA EPA UN U.S. US EU NATO ASEAN WHO "
    "Trade Co-Chair Secretary Policy Public Engagement Communications Legislative "
    "Intergovernmental Science Technology Development Management Budget Staff")
# Departments that may follow a title: "Secretary of State Antony Blinken".
TITLE_DEPARTMENTS = [
    "State", "Defense", "Defence", "the Treasury", "Treasury", "Commerce", "Homeland Security",
    "Energy", "Agriculture", "Labor", "Transportation", "Education", "the Interior",
    "Interior", "Health and Human Services", "Veterans Affairs", "Housing and Urban "
    "Development", "Foreign Affairs and International Cooperation", "Foreign Affairs",
    "External Affairs", "Finance", "Trade", "Climate", "National Intelligence", "Health",
    "Economic Affairs", "Political Affairs", "Public Diplomacy", "Management and Budget",
    "Justice", "Home Affairs", "Industry", "Investment", "the United Nations", "the UN",
    "ASEAN", "the Army", "the Navy", "the Air Force", "International Trade", "the Economy"]
NAME_SUFFIXES = r"(?:,?\s+(?:Jr\.|Sr\.|Jr\b|Sr\b|II\b|III\b|IV\b))"
# Capitalised words that end or refuse a name ("President Biden Administration").
NOT_NAMES = (TITLE_HEADS - {"Sheikh", "Sheikha"}) | TITLE_MODIFIERS | {*MONTHS, *WEEKDAYS} | _words(
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
