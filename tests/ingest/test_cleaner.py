"""Cleaner: the seed release, the ASEAN Markdown files, the White House JSONL, small cases and
the awkward releases in tests/data/awkward (read through ReleaseReader, checked against expected.json)."""

import json
import time
from pathlib import Path

import frontmatter
import pytest

from qa.ingest.cleaner import KEPT_WHOLE_NOTE, Cleaner, CleanedRelease
from qa.ingest.reader import ReleaseReader

from ..conftest import WHITE_HOUSE, white_house_lines

CORPUS = Path(__file__).parents[2] / "corpus"  # the seed and ASEAN files, as copied from ../shared
SEED = CORPUS / "seed" / "mfaic-2021-07-06-asean-russia-special-fmm.txt"
AWKWARD = Path(__file__).parents[1] / "data" / "awkward"
# release_id -> {"keep": [words that must stay in the text], "gone": [contact details that must go]}
AWKWARD_EXPECTED = json.loads((AWKWARD / "expected.json").read_text(encoding="utf-8"))
ASEAN_MD = [
    "2021-10-26-fact-sheet-new-initiatives-to-expand-the-u-s-asean-strategic-partnership.md",
    "2022-05-11-background-press-call-by-a-senior-administration-official-on-the-u-s-asean-special-summit.md",
    "2022-05-13-asean-u-s-special-summit-2022-joint-vision-statement.md",
    "2021-02-04-statement-by-nsc-spokesperson-emily-horne-on-national-security-advisor-jake-sullivans-call-"
    "with-asean-ambassadors.md",
]


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner()


@pytest.fixture(scope="module")
def seed(cleaner):
    return cleaner.clean(SEED.read_text(encoding="utf-8"))


def clean_markdown_file(cleaner, name):
    post = frontmatter.load(CORPUS / "asean-md" / name)
    return cleaner.clean(post.content, title=post["title"], date=post["date"], markdown=True)


def white_house_rows(count):
    return [json.loads(line) for line in white_house_lines(count)]


@pytest.fixture(scope="module")
def awkward():
    """The awkward releases, read as the ingest reads them, by release_id."""
    result = ReleaseReader().read([AWKWARD])
    return result, {release.release_id: release for release in result.releases}


def test_clean_seed_takes_title_from_lines_between_header_and_date(seed):
    assert seed.title == "Outcomes of the Special ASEAN-Russia Foreign Ministers' Meeting (via Video Conference)"


def test_clean_seed_reads_date_line_as_iso(seed):
    assert seed.date == "2021-07-06"


def test_clean_seed_turns_ministry_header_into_issuer(seed):
    assert seed.issuer == "Ministry of Foreign Affairs and International Cooperation"


def test_clean_seed_body_starts_after_the_date_line(seed):
    assert seed.text.startswith("On 6 July 2021, His Excellency")
    for header_word in ("MINISTRY OF FOREIGN", "Press Release", "Outcomes of the Special", "6 July 2021\n"):
        assert header_word not in seed.text


def test_clean_removes_contact_block_from_body(seed):
    assert "Fax" not in seed.text
    assert "Email" not in seed.text
    assert "mfaic@mfaic.gov.kh" not in seed.text


def test_clean_drops_truncated_duplicate_of_the_last_words(seed):
    assert seed.text.endswith("for the next three years (August 2021 to August 2024).")
    assert "\n\nars (August" not in seed.text
    assert seed.text.count("(August 2021 to August 2024).") == 1


def test_clean_keeps_co_chair_paragraph_intact(seed):
    first_paragraph = seed.text.split("\n\n")[0]
    assert ("The Meeting was co-chaired by H.E. Retno Marsudi, Minister for Foreign Affairs of the "
            "Republic of Indonesia, as Country Coordinator for ASEAN-Russia Dialogue Relations, and "
            "H.E. Sergey Lavrov, Minister of Foreign Affairs of the Russian Federation.") in first_paragraph


def test_clean_seed_keeps_all_six_body_paragraphs(seed):
    assert len(seed.text.split("\n\n")) == 6


def test_clean_returns_frozen_record(seed):
    assert isinstance(seed, CleanedRelease)
    with pytest.raises(AttributeError):
        seed.title = "changed"


def test_clean_keeps_paragraph_that_merely_mentions_email(cleaner):
    raw = ("Officials discussed email security.\n\nEmail: press@example.org\nFax: +855 23 216 141\n\n"
           "Questions may be sent by email to the press office.")
    cleaned = cleaner.clean(raw, title="T")
    assert cleaned.text == ("Officials discussed email security.\n\n"
                            "Questions may be sent by email to the press office.")


def test_clean_removes_contact_lines_inside_the_header(cleaner):
    raw = "MINISTRY OF INFORMATION\nTel: 023 724 159\nPRESS RELEASE\n\nNew Radio Licences\n1 May 2024\n\nBody."
    cleaned = cleaner.clean(raw)
    assert (cleaned.issuer, cleaned.title, cleaned.date, cleaned.text) == (
        "Ministry of Information", "New Radio Licences", "2024-05-01", "Body.")


def test_clean_title_cases_issuer_but_keeps_acronyms(cleaner):
    cleaned = cleaner.clean("THE ASEAN SECRETARIAT\n\nMINISTRY OF FOREIGN AFFAIRS (MFA)\n\nTitle\n6 JULY 2021\n\nBody.")
    assert (cleaned.issuer, cleaned.date) == ("The ASEAN Secretariat", "2021-07-06")


def test_clean_reads_date_line_after_a_place_name(cleaner):
    cleaned = cleaner.clean("Joint Communiqué of the Talks\nPhnom Penh, 12 November 2022\n\nThe sides met.")
    assert (cleaned.title, cleaned.date, cleaned.text) == (
        "Joint Communiqué of the Talks", "2022-11-12", "The sides met.")


def test_clean_joins_hard_wrapped_lines_and_separates_paragraphs_by_one_blank_line(cleaner):
    raw = "First line of a\nwrapped   paragraph.\r\n\r\n\r\n\n  Second\u00a0paragraph\n ends here.  \n"
    cleaned = cleaner.clean(raw, title="T")
    assert cleaned.text == "First line of a wrapped paragraph.\n\nSecond paragraph ends here."


def test_clean_unescapes_markdown_escapes(cleaner):
    raw = r"Thanks to \[moderator\] for 5 \* 3 \_items\_ \#1 \(a\) \- b\. c\! \> d"
    assert cleaner.clean(raw, title="T").text == "Thanks to [moderator] for 5 * 3 _items_ #1 (a) - b. c! > d"


def test_clean_markdown_drops_heading_markers_emphasis_links_and_tags(cleaner):
    raw = ("# Statement on Climate\n\n**WE**, the Leaders, mark the 45<sup>th</sup> *anniversary*.\n\n"
           "Read the [fact\nsheet](https://example.gov/a_(b)) at <https://example.gov>.\n\n"
           "<!-- -->\n\n***\n\nFor <s>Colombia's</s> \\[Cambodia's\\] leadership.")
    cleaned = cleaner.clean(raw, markdown=True)
    assert cleaned.title == "Statement on Climate"
    assert cleaned.text.split("\n\n") == [
        "WE, the Leaders, mark the 45th anniversary.",
        "Read the fact sheet at https://example.gov.",
        "For [Cambodia's] leadership."]


def test_clean_plain_text_keeps_asterisks(cleaner):
    raw = "Secretary of Education* attended."
    assert cleaner.clean(raw, title="T").text == raw


@pytest.mark.parametrize("marker", ["\\###", "###", "\u00a0###", "# # #", "\\# \\# \\#", "-END-", "END"])
def test_clean_removes_end_markers(cleaner, marker):
    cleaned = cleaner.clean(f"The talks went well.\n\n{marker}\n", title="T", markdown=True)
    assert cleaned.text == "The talks went well."


def test_clean_removes_end_marker_at_the_end_of_a_line(cleaner):
    assert cleaner.clean("Ties improved. \\###", title="T", markdown=True).text == "Ties improved."


def test_clean_uses_given_title_cleaned_and_removes_it_from_the_body(cleaner):
    raw = "Remarks\u00a0by the\u00a0President\n\nGood afternoon."
    cleaned = cleaner.clean(raw, title="Remarks\u00a0by  the President\ufffc")
    assert cleaned.title == "Remarks by the President"
    assert cleaned.text == "Good afternoon."


def test_clean_date_argument_wins_over_date_line(cleaner):
    raw = "Title of the release\n6 July 2021\n\nBody."
    cleaned = cleaner.clean(raw, date="2021-07-07")
    assert (cleaned.title, cleaned.date, cleaned.text) == ("Title of the release", "2021-07-07", "Body.")


def test_clean_reads_month_first_date_line(cleaner):
    cleaned = cleaner.clean("PRESS RELEASE\n\nA Title\nJuly 6, 2021\n\nThe body.")
    assert (cleaned.title, cleaned.date, cleaned.text, cleaned.issuer) == (
        "A Title", "2021-07-06", "The body.", None)


def test_clean_finds_date_in_first_paragraph_when_no_date_line(cleaner):
    cleaned = cleaner.clean("On 12 November 2022, the leaders met in Phnom Penh.\n\nLater, on 1 May 2023, ...",
                            title="T")
    assert cleaned.date == "2022-11-12"


def test_clean_gives_no_date_when_text_has_none(cleaner):
    assert cleaner.clean("The leaders met last week.", title="T").date is None


def test_clean_takes_first_heading_as_title_when_no_date_line(cleaner):
    cleaned = cleaner.clean("Statement on Climate Cooperation\n\nThe two sides agreed.")
    assert (cleaned.title, cleaned.text) == ("Statement on Climate Cooperation", "The two sides agreed.")


def test_clean_shortens_first_paragraph_into_title_when_text_has_no_heading(cleaner):
    body = "The two sides agreed to deepen cooperation on climate, health and trade over the coming years, " \
           "and to meet again."
    cleaned = cleaner.clean(body)
    assert cleaned.text == body
    assert cleaned.title.endswith("…") and len(cleaned.title) <= 101


def test_clean_keeps_kingdom_line_out_of_issuer_when_a_ministry_is_named(cleaner):
    raw = ("KINGDOM OF CAMBODIA\nNATION RELIGION KING\nMINISTRY OF FOREIGN AFFAIRS\n\n"
           "Statement\n\nTitle\n1 May 2024\n\nBody.")
    cleaned = cleaner.clean(raw)
    assert (cleaned.issuer, cleaned.title, cleaned.text) == ("Ministry of Foreign Affairs", "Title", "Body.")


def test_clean_empty_text_gives_empty_release(cleaner):
    assert cleaner.clean("  \n\n ") == CleanedRelease(title="", date=None, text="", issuer=None)


def test_clean_rejects_text_that_is_not_a_string(cleaner):
    with pytest.raises(TypeError, match="raw_text must be a str"):
        cleaner.clean(b"bytes")


@pytest.mark.parametrize("name", ASEAN_MD)
def test_clean_asean_markdown_gives_title_iso_date_and_unwrapped_paragraphs(cleaner, name):
    cleaned = clean_markdown_file(cleaner, name)
    assert cleaned.date == name[:10]
    assert "\u00a0" not in cleaned.title and "\\" not in cleaned.title
    assert "\\" not in cleaned.text and "**" not in cleaned.text and "###" not in cleaned.text
    assert "\n" not in cleaned.text.replace("\n\n", "")  # no hard wraps inside paragraphs
    assert "\n\n\n" not in cleaned.text and "  " not in cleaned.text


def test_clean_asean_markdown_unescapes_brackets(cleaner):
    cleaned = clean_markdown_file(cleaner, ASEAN_MD[1])
    assert cleaned.title == ("Background Press Call by a Senior Administration Official on the "
                             "U.S.-ASEAN Special Summit")
    assert "our speaker on the call today is [senior administration official]." in cleaned.text


def test_clean_asean_fact_sheet_keeps_each_bullet_as_a_paragraph(cleaner):
    paragraphs = clean_markdown_file(cleaner, ASEAN_MD[0]).text.split("\n\n")
    assert ("- Provide grants for emerging infectious disease research in ASEAN between U.S. scientists "
            "and early-career scientists in Southeast Asia, including a focus on promoting gender equity "
            "in this field.") in paragraphs


def test_clean_white_house_lines_keep_metadata_and_lose_markup(cleaner):
    for row in white_house_rows(12):
        cleaned = cleaner.clean(row["text"], title=row["title"], date=row["date"], markdown=True)
        assert cleaned.date == row["date"]
        assert cleaned.title == row["title"].replace("\ufffc", "")
        assert cleaned.text and "\\" not in cleaned.text and "###" not in cleaned.text
        assert "\n" not in cleaned.text.replace("\n\n", "")


def test_clean_whole_white_house_file_is_fast(cleaner):
    rows = [json.loads(line) for line in white_house_lines()]
    started = time.perf_counter()
    for row in rows:
        cleaner.clean(row["text"], title=row["title"], date=row["date"], markdown=True)
    assert len(rows) == 751
    assert time.perf_counter() - started < 2.0


def test_clean_keeps_a_label_first_sentence_at_the_top(cleaner):
    raw = "Phone: the hotline 1 800 555 0199 opens\non Monday at 9 am."
    assert cleaner.clean(raw).text == "Phone: the hotline 1 800 555 0199 opens on Monday at 9 am."


def test_clean_short_untitled_text_keeps_its_body_and_takes_its_first_sentence_as_title(cleaner):
    raw = ("Abdulrazak Gurnah delivered his Nobel Prize lecture in literature on 7 December 2021. "
           "English English [pdf] · Swedish")
    cleaned = cleaner.clean(raw, markdown=True)
    assert cleaned.text == raw
    assert cleaned.title == raw.removesuffix(" English English [pdf] · Swedish")
    assert (cleaned.date, cleaned.notes) == ("2021-12-07", ())


@pytest.mark.parametrize("raw", [
    "The foreign minister will visit Laos next week.",
    "Ministry statement on the floods in the north",
    "The two ministers agreed to strengthen cooperation in trade, investment and",
])
def test_clean_one_line_untitled_text_stays_the_body(cleaner, raw):
    assert cleaner.clean(raw).text == raw


def test_clean_title_above_a_date_line_stays_the_body_when_nothing_follows(cleaner):
    cleaned = cleaner.clean("Statement on the Floods in Kratie\n12 October 2022")
    assert (cleaned.title, cleaned.date, cleaned.text) == (
        "Statement on the Floods in Kratie", "2022-10-12", "Statement on the Floods in Kratie")


def test_clean_sentence_above_a_date_line_is_body_not_title(cleaner):
    cleaned = cleaner.clean("The Prime Minister opened the new bridge.\n6 July 2021\n\nTraffic starts.")
    assert cleaned.title == "The Prime Minister opened the new bridge."
    assert cleaned.text.startswith("The Prime Minister opened the new bridge.")
    assert cleaned.date == "2021-07-06"


def test_clean_given_title_stays_in_the_body_when_it_is_the_whole_text(cleaner):
    cleaned = cleaner.clean("**Statement on Myanmar**", title="Statement on Myanmar", markdown=True)
    assert (cleaned.title, cleaned.text) == ("Statement on Myanmar", "Statement on Myanmar")
    assert cleaned.notes == ()


@pytest.mark.parametrize("raw", ["Tel: +855 23 216 122\nEmail: press@mfa.gov.kh",
                                 "MINISTRY OF FOREIGN AFFAIRS\nPRESS RELEASE"])
def test_clean_keeps_markup_free_text_with_a_note_when_cleaning_would_remove_everything(cleaner, raw):
    cleaned = cleaner.clean(f"**{raw}**", markdown=True)
    assert cleaned.text == raw.replace("\n", " ")
    assert cleaned.notes == (KEPT_WHOLE_NOTE,)


def test_clean_text_of_only_markers_stays_empty_without_a_note(cleaner):
    assert cleaner.clean("###\n\n* * *\n", markdown=True) == CleanedRelease("", None, "", None, ())


def test_clean_ordinary_release_has_no_notes(seed):
    assert seed.notes == ()


def test_clean_awkward_releases_are_all_read(awkward):
    result, releases = awkward
    assert result.errors == []
    assert sorted(releases) == sorted(AWKWARD_EXPECTED)
    assert all(release.text.strip() and release.title for release in releases.values())


@pytest.mark.parametrize("release_id", sorted(AWKWARD_EXPECTED))
def test_clean_awkward_release_keeps_every_expected_sentence(awkward, release_id):
    text = awkward[1][release_id].text
    missing = [words for words in AWKWARD_EXPECTED[release_id]["keep"] if words not in text]
    assert missing == [], f"{release_id} lost {missing}; its text: {text!r}"


@pytest.mark.parametrize("release_id", sorted(name for name, expected in AWKWARD_EXPECTED.items()
                                              if expected.get("gone")))
def test_clean_awkward_release_loses_its_contact_lines(awkward, release_id):
    text = awkward[1][release_id].text
    assert [words for words in AWKWARD_EXPECTED[release_id]["gone"] if words in text] == []


def test_read_keeps_text_of_every_white_house_release():
    result = ReleaseReader().read([WHITE_HOUSE])
    assert result.errors == []
    assert len(result.releases) == 751
    assert [release.release_id for release in result.releases if not release.text.strip()] == []
