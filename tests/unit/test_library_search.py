"""coach.library: cards, browsing by area, and search by name or by where it hurts."""

from __future__ import annotations

import pytest

from coach.catalog import load_catalog
from coach.library import MOVEMENTS_GROUP, by_area, card, search, words


@pytest.fixture(scope="module")
def builtin():
    return load_catalog(include_user=False)


def ids(matches):
    return [match.target.id for match in matches]


def test_pain_behind_the_eye_lists_the_muscles_that_refer_there(builtin):
    found = ids(search(builtin, "pain behind the eye"))
    assert found[0] == "upper-trapezius"
    assert {"sternocleidomastoid", "suboccipitals"} <= set(found)
    for target_id in found:
        target = builtin.targets[target_id]
        assert "eye" in words(target.refers) or "eye" in words(target.name + target.id)


@pytest.mark.parametrize(
    ("query", "first"),
    [("Upper trapezius", "upper-trapezius"), ("trap", "middle-trapezius"),
     ("thumb", "thumb-muscles"), ("heel", "soleus"), ("temples", "temporalis"),
     ("scalenes", "scalenes"), ("ball of the foot", "flexor-digitorum-brevis")],
)
def test_search_finds_by_name_or_where_it_hurts(builtin, query, first):
    assert ids(search(builtin, query))[0] == first


def test_search_for_nothing_or_noise_finds_nothing(builtin):
    assert search(builtin, "") == []
    assert search(builtin, "the pain in my") == []
    assert search(builtin, "xyzzy") == []


def test_by_area_covers_every_pressure_and_stretch_entry_and_ends_with_movements(builtin):
    groups = by_area(builtin)
    shown = {target.id for _, targets in groups for target in targets}
    assert shown == set(builtin.targets)
    assert groups[-1][0] == MOVEMENTS_GROUP
    assert all(target.kind == "movement" for target in groups[-1][1])


def test_card_carries_tools_dose_caps_and_screening(builtin):
    entry = card(builtin, builtin.targets["quadratus-lumborum"])
    assert entry.areas[0] == "Low back"
    assert entry.sides == "both sides, one at a time"
    assert all("at most 45 s at a time" in method.limits for method in entry.methods)
    assert "pregnancy" in {caution.id for caution in entry.screening}
    assert entry.stretch.startswith("Side bend: 30 s")
    data = entry.to_json()
    assert data["map"]["left"]["points"] and data["kind"] == "pressure"
    assert card(builtin, builtin.targets["chin-tucks"]).to_json()["seconds"] == 30
