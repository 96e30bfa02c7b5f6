"""The gazetteer: known names of places and organisations, each with its kind."""

import pytest

from qa.language.gazetteer import ARTICLE_WORDS, BUILDINGS, NEEDS_ARTICLE, ORGS, REGIONS, build_gazetteer


@pytest.mark.parametrize("name, kind", [
    ("Phnom Penh", "place"), ("Washington, D.C.", "place"), ("Indo-Pacific", "place"),
    ("Lao PDR", "place"), ("Burma", "place"), ("Viet Nam", "place"),
    ("ASEAN", "org"), ("European Union", "org"), ("UN Security Council", "org"), ("White House", "org"),
])
def test_known_names_map_to_their_kind(name, kind):
    assert build_gazetteer()[name] == kind


def test_countries_of_pycountry_are_places():
    gazetteer = build_gazetteer()
    assert gazetteer["Cambodia"] == gazetteer["Indonesia"] == gazetteer["Russian Federation"] == "place"


def test_the_gazetteer_is_built_once():
    assert build_gazetteer() is build_gazetteer()


def test_regions_that_need_the_article_and_buildings_are_known_names():
    gazetteer = build_gazetteer()
    assert NEEDS_ARTICLE <= set(REGIONS)
    assert all(gazetteer[building] == "org" for building in BUILDINGS)
    assert set(BUILDINGS) <= set(ORGS)
    assert {"Philippines", "Quad", "Republic"} <= ARTICLE_WORDS
