"""SpanFinder: the spans a question keeps whole, in real sentences of the seed release and the
White House corpus."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from qa.language.entity_finder import KINDS, SpanFinder

SEED_OPENING = (
    "On 6 July 2021, His Excellency Deputy Prime Minister PRAK Sokhonn, Minister of Foreign "
    "Affairs and International Cooperation of the Kingdom of Cambodia, attended the Special "
    "ASEAN-Russia Foreign Ministers' Meeting in commemoration of the 25th Anniversary of "
    "ASEAN-Russia Dialogue Partnership, via videoconference.")
SEED_CO_CHAIRS = (
    "The Meeting was co-chaired by H.E. Retno Marsudi, Minister for Foreign Affairs of the "
    "Republic of Indonesia, as Country Coordinator for ASEAN-Russia Dialogue Relations, and H.E. "
    "Sergey Lavrov, Minister of Foreign Affairs of the Russian Federation.")
SEED_MECHANISMS = (
    "The Ministers agreed to strengthen cooperation within the framework of existing ASEAN-led "
    "mechanisms, in particular the East Asia Summit (EAS), ASEAN Regional Forum (ARF) and ASEAN "
    "Defence Ministers' Meetings-Plus (ADMM-Plus).")
SEED_PLAN = (
    "They expressed strong determination to further promote cooperation through effective "
    "implementation of the Plan of Action 2021-2025 and looked forward to the 4th ASEAN-Russia "
    "Summit in October 2021 to commemorate the 25th anniversary of ASEAN-Russia Dialogue "
    "Relations.")
SEED_COORDINATOR = (
    "The Foreign Ministers of ASEAN and Russia will meet again at the next ASEAN-Russia Foreign "
    "Ministers' Meeting in August this year, after which Cambodia will take over from Indonesia "
    "the role of country coordinator for ASEAN-Russia Dialogue Relations for the next three years "
    "(August 2021 to August 2024).")
WHITE_HOUSE_SENTENCES = [
    "President Joseph R. Biden, Jr. today joined leaders of the Association of Southeast Nations "
    "(ASEAN) member states and the ASEAN Secretary General for the annual U.S.-ASEAN Summit.",
    "The President announced the intent to provide up to $102 million in new initiatives to "
    "expand the U.S.-ASEAN Strategic Partnership to support the region’s recovery from COVID-19, "
    "address the climate crisis, promote economic growth, and develop human capital.",
    "He reiterated the U.S. commitment to ending the COVID-19 pandemic and building back better "
    "to prepare for the next, including making available more than 40 million vaccine doses and "
    "more than $200 million in emergency health and humanitarian assistance to ASEAN member "
    "states to fight COVID-19.",
    "President Biden met with Prime Minister Narendra Modi of India today in Tokyo to reaffirm "
    "their commitment to work together for a more prosperous, free, connected, and secure world.",
    "National Security Advisor Jake Sullivan spoke today with Akiba Takeo, Secretary General of "
    "Japan’s National Security Secretariat, to prepare for the President’s meeting on January 21 "
    "with Prime Minister Kishida and to discuss the ongoing situation in Russia and Ukraine.",
    "Vice President Harris spoke today with His Royal Highness, Crown Prince Salman Bin Hamad Al "
    "Khalifa of Bahrain.",
    "The leaders reaffirmed that a DPRK nuclear test would be met with a strong and resolute "
    "response from the international community.",
    "The two leaders also called for Russia to return full control of the Zaporizhzhya Nuclear "
    "Power Plant to Ukraine and for International Atomic Energy Agency (IAEA) access to the plant.",
    "So I’d like to explain the ASEAN Special Summit, which will be taking place here in "
    "Washington, D.C. — at the White House, at the Willard, and at the State Department — on "
    "Thursday and Friday.",
    "Vice President Kamala Harris met virtually today with 15 leaders representing Caribbean "
    "nations and underscored the importance the Biden-Harris Administration places on our "
    "partnerships throughout the Caribbean.",
]


@pytest.fixture(scope="module")
def finder() -> SpanFinder:
    return SpanFinder()


def texts(finder: SpanFinder, sentence: str, kind: str) -> list[str]:
    return [span.text for span in finder.find(sentence) if span.kind == kind]


# --- the seed release ----------------------------------------------------------------------
def test_co_chair_sentence_names_exactly_the_two_co_chairs(finder):
    persons = [span for span in finder.find(SEED_CO_CHAIRS) if span.kind == "person"]
    assert [span.text for span in persons] == ["H.E. Retno Marsudi", "H.E. Sergey Lavrov"]
    assert [span.value for span in persons] == ["Retno Marsudi", "Sergey Lavrov"]


def test_opening_sentence_gives_the_date_and_the_deputy_prime_minister(finder):
    spans = [span for span in finder.find(SEED_OPENING) if span.kind in ("date", "person")]
    assert [(span.kind, span.text, span.value) for span in spans] == [
        ("date", "6 July 2021", None),
        ("person", "His Excellency Deputy Prime Minister PRAK Sokhonn", "PRAK Sokhonn"),
    ]


def test_countries_in_titles_are_places(finder):
    assert texts(finder, SEED_CO_CHAIRS, "place") == [
        "the Republic of Indonesia", "Russia", "the Russian Federation"]
    assert texts(finder, SEED_OPENING, "place")[0] == "the Kingdom of Cambodia"


def test_ordinals_are_no_numbers(finder):
    assert texts(finder, SEED_OPENING, "number") == []
    assert texts(finder, SEED_PLAN, "number") == []


def test_asean_mechanisms_and_their_acronyms_are_orgs(finder):
    assert texts(finder, SEED_MECHANISMS, "org") == [
        "ASEAN", "the East Asia Summit", "EAS", "ASEAN Regional Forum", "ARF",
        "ASEAN Defence Ministers' Meetings-Plus", "ADMM-Plus"]


def test_a_plan_period_is_one_date(finder):
    assert texts(finder, SEED_PLAN, "date") == ["2021-2025", "October 2021"]


def test_months_with_a_year_are_dates_and_a_month_alone_is_not(finder):
    assert texts(finder, SEED_COORDINATOR, "date") == ["August 2021", "August 2024"]


def test_whole_seed_release_names_only_its_three_ministers(finder):
    seed = Path(__file__).resolve().parents[2] / "corpus" / "seed" / \
        "mfaic-2021-07-06-asean-russia-special-fmm.txt"
    if not seed.exists():
        pytest.skip("seed release not in corpus/seed")
    text = " ".join(seed.read_text(encoding="utf-8").split())
    persons = {span.value for span in finder.find(text) if span.kind == "person"}
    assert persons == {"PRAK Sokhonn", "Retno Marsudi", "Sergey Lavrov"}


# --- persons -------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence, expected", [
    ("President Biden's meeting went well.", [("President Biden", "Biden")]),
    ("President Joseph R. Biden, Jr. today joined leaders.",
     [("President Joseph R. Biden, Jr.", "Joseph R. Biden, Jr.")]),
    ("Vice President Kamala Harris met with Fumio Kishida.",
     [("Vice President Kamala Harris", "Kamala Harris")]),
    ("He called Secretary of State Antony Blinken.",
     [("Secretary of State Antony Blinken", "Antony Blinken")]),
    ("NATO Secretary General Jens Stoltenberg attended.",
     [("NATO Secretary General Jens Stoltenberg", "Jens Stoltenberg")]),
    ("They met King Abdullah II of Jordan.", [("King Abdullah II", "Abdullah II")]),
    ("President Sheikh Mohamed bin Zayed invited him.",
     [("President Sheikh Mohamed bin Zayed", "Mohamed bin Zayed")]),
    ("Prime Minister Kishida Fumio of Japan spoke.",
     [("Prime Minister Kishida Fumio", "Kishida Fumio")]),
])
def test_titled_names_are_persons_valued_by_the_bare_name(finder, sentence, expected):
    persons = [span for span in finder.find(sentence) if span.kind == "person"]
    assert [(span.text, span.value) for span in persons] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The President said the United States stands with Ukraine.", []),
    ("H.E. Retno Marsudi is Minister for Foreign Affairs of the Republic of Indonesia.",
     ["Retno Marsudi"]),
    ("They launched Build Back Better World with the Quad.", []),
    ("Residents of King County received aid after Hurricane Ida.", []),
    ("The UN General Assembly heard the ASEAN Secretary General.", []),
    ("The Quad leaders discussed COVID-19 with the G7 and the G20.", []),
])
def test_titles_alone_and_names_of_things_are_no_persons(finder, sentence, expected):
    assert [span.value for span in finder.find(sentence) if span.kind == "person"] == expected


def test_department_words_before_a_title_stay_with_the_department(finder):
    sentence = "Department of Homeland Security Secretary Alejandro Mayorkas joined the call."
    assert texts(finder, sentence, "person") == ["Secretary Alejandro Mayorkas"]
    assert texts(finder, sentence, "org") == ["Department of Homeland Security"]


# --- dates and money ----------------------------------------------------------------------
@pytest.mark.parametrize("kind, sentence, text", [
    ("date", "On 6 July 2021, the ministers met.", "6 July 2021"),
    ("date", "The ministers met on July 6, 2021 by video.", "July 6, 2021"),
    ("date", "The ministers met on 6-7 July 2021 in Jakarta.", "6-7 July 2021"),
    ("date", "The summit takes place on Monday, May 12 in Washington.", "Monday, May 12"),
    ("date", "They met October 31–November 1, 2022 in Phnom Penh.", "October 31–November 1, 2022"),
    ("date", "The 4th ASEAN-Russia Summit in October 2021 was held online.", "October 2021"),
    ("date", "Cambodia chairs ASEAN in 2022.", "2022"),
    ("date", "We met on March 2<sup>nd</sup> at the UN.", "March 2<sup>nd</sup>"),
    ("money", "The President announced $150 million in new initiatives.", "$150 million"),
    ("money", "Japan pledged US$1.2 billion to the fund.", "US$1.2 billion"),
    ("money", "The grant totals $40,000,000 over five years.", "$40,000,000"),
    ("money", "President Biden announced USD 150 million in programs.", "USD 150 million"),
    ("money", "The bank lent 5 million dollars to farmers.", "5 million dollars"),
    ("money", "The EU added €10 million for vaccines.", "€10 million"),
    ("money", "It generated over $1.2 billion dollars of investment.", "$1.2 billion dollars"),
    ("money", "Partners pledged approximately USD $ 5.2 billion to COVAX.", "USD $ 5.2 billion"),
    ("money", "Telstra finalised the USD1.6 billion acquisition.", "USD1.6 billion"),
])
def test_dates_and_amounts_of_money_are_one_span(finder, kind, sentence, text):
    assert texts(finder, sentence, kind) == [text]


@pytest.mark.parametrize("sentence", [
    "Today and yesterday the leaders met about COVID-19.",
    "More than 2,000 people attended; 1,900 left early.",
    "May we continue our work together?",
    "See https://bidenwhitehouse.archives.gov/briefing-room/2022/05/12/readout/ for details.",
    "They protect the gains of the Belfast/Good Friday Agreement.",
])
def test_relative_days_counts_links_and_names_are_no_dates(finder, sentence):
    assert texts(finder, sentence, "date") == []


# --- numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence, expected", [
    ("Over the last 25 years, 1,000 students took part.", ["25", "1,000"]),
    ("The program reached 10 million people in 40 percent of districts.",
     ["10 million", "40 percent"]),
    ("Prices rose 40% in a year.", ["40%"]),
])
def test_cardinals_and_percentages_are_numbers(finder, sentence, expected):
    assert texts(finder, sentence, "number") == expected


@pytest.mark.parametrize("sentence", [
    "The 25th anniversary of the 4th summit was marked by the G7 and G20 leaders.",
    "The fight against COVID-19 continues; see UNSCR 2593 and Section 232.",
    "The President announced $102 million on 6 July 2021 at 3:04 P.M. EDT.",
    "Fax : (855) 23 216 141, 023 213 341",
    "1. **SEEK** to engage other countries in the region.",
    "Both sides welcomed the 2+2 Ministerial Dialogue and the next three years.",
    "Align with the Oil and Gas Methane Partnership 2.0 standards.",
])
def test_ordinals_codes_money_dates_enumerators_and_words_are_no_numbers(finder, sentence):
    assert texts(finder, sentence, "number") == []


# --- places --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [
    "Russia", "the Russian Federation", "South Korea", "the Republic of Korea", "Vietnam",
    "Viet Nam", "Laos", "Lao PDR", "Burma", "Myanmar", "Brunei", "Brunei Darussalam",
    "Timor-Leste", "the United States", "the Philippines", "DPRK",
])
def test_countries_are_places_in_their_usual_spellings(finder, name):
    sentence = f"The leaders welcomed the role of {name} in the region."
    assert texts(finder, sentence, "place") == [name]


@pytest.mark.parametrize("sentence, expected", [
    ("The summit took place in Washington, D.C. at the White House.",
     ["Washington, D.C.", "the White House"]),
    ("The ministers gathered in Vientiane and later in Phnom Penh.", ["Vientiane", "Phnom Penh"]),
    ("Freedom of navigation in the South China Sea matters to Southeast Asia and the "
     "Indo-Pacific.", ["the South China Sea", "Southeast Asia", "the Indo-Pacific"]),
    ("The delegation traveled to Sunnylands.", ["Sunnylands"]),
])
def test_cities_and_regions_are_places(finder, sentence, expected):
    assert texts(finder, sentence, "place") == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The U.S.-ASEAN Summit renewed the U.S. commitment to the region.", []),
    ("The U.S. and Japan pledged support.", ["U.S.", "Japan"]),
    ("ASEAN-Russia relations grew.", ["Russia"]),
    ("They met in Congress to talk about Spanish and American jobs.", []),
    ("Atlantic cooperation matters; Caribbean nations agreed.", []),
])
def test_us_adjectives_languages_and_bare_regions_are_no_places(finder, sentence, expected):
    assert texts(finder, sentence, "place") == expected


def test_the_white_house_is_an_org_when_it_acts(finder):
    sentence = "The White House announced new steps."
    assert [(span.kind, span.text) for span in finder.find(sentence)] == [("org", "The White House")]


# --- organisations -------------------------------------------------------------------------
@pytest.mark.parametrize("sentence, expected", [
    ("The United Nations, the UN Security Council and NATO met.",
     ["The United Nations", "the UN Security Council", "NATO"]),
    ("The Quad and the European Union joined the G7.", ["The Quad", "the European Union", "G7"]),
    ("They worked with the World Health Organization and the Ministry of Foreign Affairs.",
     ["the World Health Organization", "the Ministry of Foreign Affairs"]),
    ("He served the Ministry of Foreign Affairs and International Cooperation of the Kingdom "
     "of Cambodia.", ["the Ministry of Foreign Affairs and International Cooperation"]),
    ("It works with the International Energy Agency.", ["the International Energy Agency"]),
    ("Council on Environmental Quality Chair Brenda Mallory spoke.",
     ["Council on Environmental Quality"]),
    ("Districts plan to use ARP funds for TPS holders.", []),
])
def test_named_bodies_are_orgs(finder, sentence, expected):
    assert texts(finder, sentence, "org") == expected


def test_lower_cased_names_map_to_their_usual_spelling(finder):
    assert finder.names["asean"] == "ASEAN"
    assert finder.names["lao pdr"] == "Lao PDR"


# --- the contract --------------------------------------------------------------------------
@pytest.mark.parametrize("sentence", [SEED_OPENING, SEED_CO_CHAIRS, SEED_MECHANISMS, SEED_PLAN,
                                      SEED_COORDINATOR, *WHITE_HOUSE_SENTENCES])
def test_spans_are_sorted_exact_and_never_overlap_within_a_kind(finder, sentence):
    spans = finder.find(sentence)
    assert spans == sorted(spans, key=lambda span: (span.start, span.end, span.kind))
    for span in spans:
        assert span.kind in KINDS
        assert sentence[span.start:span.end] == span.text
    for kind in KINDS:
        same = [span for span in spans if span.kind == kind]
        assert all(left.end <= right.start for left, right in zip(same, same[1:]))


def test_fifty_typical_sentences_take_a_few_milliseconds(finder):
    sentences = (WHITE_HOUSE_SENTENCES + [SEED_OPENING, SEED_CO_CHAIRS, SEED_MECHANISMS,
                                          SEED_PLAN, SEED_COORDINATOR]) * 4
    sentences = sentences[:50]
    finder.find(sentences[0])  # warm up
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for sentence in sentences:
            finder.find(sentence)
        best = min(best, time.perf_counter() - started)
    # The target is under 5 ms on a developer machine; the bound leaves room for a busy CI.
    assert best < 0.05, f"50 sentences took {best * 1000:.1f} ms"
