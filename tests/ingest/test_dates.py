"""Dates: date lines, the first date of a paragraph and dates given in metadata, all to ISO."""

from datetime import date

import pytest

from qa.ingest.dates import date_of_line, find_date, parse_date_argument


@pytest.mark.parametrize("given", ["2021-07-06", "6 July 2021", "July 6, 2021", "2021-07-06T06:00:00-04:00",
                                   "Tuesday, July 6th, 2021", "06.07.2021", "6/7/2021"])
def test_parse_date_argument_gives_iso(given):
    assert parse_date_argument(given) == "2021-07-06"


@pytest.mark.parametrize("given", [None, "", "2021-13-45"])
def test_parse_date_argument_gives_none_for_no_date_or_an_impossible_one(given):
    assert parse_date_argument(given) is None


def test_parse_date_argument_takes_a_date_object():
    assert parse_date_argument(date(2021, 7, 6)) == "2021-07-06"


@pytest.mark.parametrize(("line", "iso"), [
    ("Phnom Penh, 6 July 2021", "2021-07-06"),
    ("Tuesday, July 6th, 2021.", "2021-07-06"),
    ("The sides met on 6 July 2021.", None),
    ("31 June 2021", None),
])
def test_date_of_line_reads_only_a_line_that_is_a_date(line, iso):
    assert date_of_line(line) == iso


def test_find_date_skips_an_impossible_date():
    assert find_date("Not on 31 June 2021 but on 1 July 2021, the talks began.") == "2021-07-01"
