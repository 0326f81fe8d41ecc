"""Library v2: kinds (pressure, stretch-only, movement), per-method caps from DOMAIN.md,
the corrections of issue 9, and a body map for every target."""

from __future__ import annotations

import re
import textwrap

import pytest

from coach import bodymap
from coach.catalog import (
    HOLD_RANGE_S,
    MAX_SECONDS_PER_POINT,
    MOVEMENT_SECONDS_RANGE,
    POSITIONS,
    REPS_RANGE,
    builtin_dir,
    library_files,
    load_catalog,
)


@pytest.fixture(scope="module")
def builtin():
    return load_catalog(include_user=False)


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


# --- every entry validates, is sourced, and has its map ---------------------------------------

def test_counts_per_kind(builtin):
    kinds = {kind: len(builtin.of_kind(kind)) for kind in ("pressure", "stretch", "movement")}
    assert kinds["pressure"] >= 29
    assert kinds["stretch"] >= 2
    assert kinds["movement"] >= 10
    assert sum(kinds.values()) == len(builtin.targets)


def test_every_entry_and_every_caution_has_a_source(builtin):
    for target in builtin.targets.values():
        assert target.sources and all(source.strip() for source in target.sources), target.id
    for caution in builtin.cautions.values():
        assert caution.sources, caution.id


def test_every_pressure_and_stretch_target_has_a_valid_map(builtin):
    for target in builtin.targets.values():
        if target.kind == "movement":
            assert target.body_map is None
            continue
        assert target.body_map is not None, target.id
        assert bodymap.problems(target.body_map, target.bilateral) == [], target.id


def test_every_bilateral_target_has_both_sides(builtin):
    for target in builtin.targets.values():
        if target.body_map is None:
            continue
        sides = {part.side for part in target.body_map.sides}
        assert sides == ({"left", "right"} if target.bilateral else {"whole"}), target.id


def test_every_point_is_inside_the_outline_and_every_zone_touches_the_body(builtin):
    for target in builtin.targets.values():
        for part in target.body_map.sides if target.body_map else ():
            assert part.points and part.zones, target.id
            for point in part.points:
                assert bodymap.inside_outline(point.x, point.y), (target.id, point)
            for zone in part.zones:
                assert zone.area() > 0, (target.id, zone)


def test_left_and_right_are_mirror_images(builtin):
    for target in builtin.targets.values():
        if target.body_map is None or not target.bilateral:
            continue
        left, right = target.body_map.side("left"), target.body_map.side("right")
        assert tuple(point.mirrored() for point in left.points) == right.points, target.id
        assert tuple(zone.mirrored() for zone in left.zones) == right.zones, target.id


# --- caps ---------------------------------------------------------------------------------------

def test_no_method_exceeds_its_caps(builtin):
    for target in builtin.targets.values():
        for method in target.methods:
            low, high = HOLD_RANGE_S[method.technique]
            assert low <= method.hold_s <= method.max_hold_s <= high, target.id
            assert REPS_RANGE[0] <= method.reps <= method.max_reps <= REPS_RANGE[1], target.id
            assert method.hold_s * method.reps <= method.max_session_s, target.id
            assert method.max_session_s <= MAX_SECONDS_PER_POINT, target.id
            assert method.pressure in ("light", "moderate", "firm")


def test_every_builtin_method_states_its_caps_and_flags_explicitly():
    fields = ("max_hold_s", "max_reps", "max_session_s", "pressure", "body_weight",
              "lying_on_back")
    for path in library_files(builtin_dir()):
        for block in path.read_text(encoding="utf-8").split("[[target.method]]")[1:]:
            method = re.split(r"\n\[", block)[0]
            for field in fields:
                assert re.search(rf"^{field} = ", method, re.M), (path.name, field, method[:80])


def _methods(builtin, target_id):
    return builtin.targets[target_id].methods


def test_sternocleidomastoid_is_a_gentle_pinch_20_to_30_s_once_or_twice(builtin):
    target = builtin.targets["sternocleidomastoid"]
    assert target.bilateral  # one side at a time
    for method in target.methods:
        assert 20 <= method.hold_s <= method.max_hold_s <= 30
        assert method.max_reps <= 2
        assert method.pressure == "light" and not method.body_weight
        assert "never both sides at once" in method.how
        assert "pulse" in method.how


@pytest.mark.parametrize("target_id", ["masseter", "temporalis", "suboccipitals"])
def test_jaw_temples_and_under_the_skull_about_60_s_in_all(builtin, target_id):
    for method in _methods(builtin, target_id):
        assert method.max_session_s <= 60


def test_quadratus_lumborum_30_to_45_s_once_or_twice_lower_half(builtin):
    target = builtin.targets["quadratus-lumborum"]
    for method in target.methods:
        assert method.max_hold_s <= 45 and method.max_reps <= 2
        assert "just above the top of" in method.how
    assert "lower half" in target.find
    assert any("fever" in caution for caution in target.cautions)


def test_pectoralis_minor_is_light_only(builtin):
    target = builtin.targets["pectoralis-minor"]
    assert all(method.pressure == "light" for method in target.methods)
    assert not any("6 out of 10" in method.how for method in target.methods)
    assert "third to fifth ribs" in target.find


def test_lying_on_back_matches_the_instructions(builtin):
    for target in builtin.targets.values():
        for method in target.methods:
            assert method.lying_on_back == ("Lie on your back" in method.how), target.id
            if method.lying_on_back:
                assert method.position == "lying"


def test_nobody_is_told_to_lie_when_they_should_sit(builtin):
    for target in builtin.targets.values():
        for method in target.methods:
            assert method.position in POSITIONS
            if method.how.startswith("Sit on the floor") or "Sit on the foam" in method.how:
                assert method.position == "floor", target.id
            if method.position == "lying":
                assert method.how.startswith("Lie"), target.id


def test_open_the_chest_is_not_a_rhomboid_stretch(builtin):
    for target_id in ("rhomboids", "middle-trapezius"):
        assert builtin.targets[target_id].stretch.name != "Open the chest"
    assert builtin.targets["open-the-chest"].kind == "movement"


# --- corrections --------------------------------------------------------------------------------

def test_corrections_from_issue_9(builtin):
    fdb = builtin.targets["flexor-digitorum-brevis"]
    assert "ball of the foot" in fdb.refers and "6 weeks" in " ".join(fdb.cautions)
    pec_major = builtin.targets["pectoralis-major"]
    assert "inner arm to the elbow" in pec_major.refers
    assert "emergency" in " ".join(pec_major.cautions)
    flexors = builtin.targets["forearm-flexors"]
    assert "palm" in flexors.refers and "fingers" in flexors.refers
    assert "funny-bone nerve" in " ".join(flexors.cautions)
    assert flexors.stretch is not None and flexors.stretch.hold_s == 30


def test_delphi_is_cited_only_for_what_it_covers(builtin):
    covered = ("wound", "fracture", "inflammation", "dvt", "osteomyelitis", "myositis")
    for target in builtin.targets.values():
        for source in target.sources:
            if "Delphi" in source and "(" in source:
                assert any(word in source.lower() for word in covered), (target.id, source)


def test_new_targets_and_stretch_only_entries(builtin):
    for target_id in ("gluteus-minimus", "tensor-fasciae-latae", "tibialis-anterior",
                      "thumb-muscles", "teres-minor"):
        assert builtin.targets[target_id].kind == "pressure"
        assert builtin.targets[target_id].methods
    for target_id in ("scalenes", "hip-flexor-stretch"):
        target = builtin.targets[target_id]
        assert target.kind == "stretch"
        assert target.methods == () and target.stretch is not None
    assert "subscapularis" not in builtin.targets and "iliopsoas" not in builtin.targets


def test_movements_are_short_desk_movements_with_sources(builtin):
    movements = builtin.of_kind("movement")
    assert len(movements) >= 10
    for movement in movements:
        assert MOVEMENT_SECONDS_RANGE[0] <= movement.seconds <= MOVEMENT_SECONDS_RANGE[1]
        assert movement.position in ("seated", "standing")
        assert movement.how and movement.sources
        assert movement.methods == () and movement.stretch is None
    names = {movement.id for movement in movements}
    assert {"shoulder-rolls", "chin-tucks", "stand-and-walk", "eye-20-20-20"} <= names


# --- the loader for the new kinds and the map ---------------------------------------------------

STRETCH_ONLY = """
    schema = 2
    [[target]]
    id = "my-neck-stretch"
    kind = "stretch"
    name = "My neck stretch"
    areas = ["neck"]
    bilateral = false
    find = "The side of the neck."
    refers = "a local ache where it is tight"
    sources = ["my physiotherapist"]
    [target.stretch]
    name = "Tilt"
    how = "Tilt your head."
    hold_s = 20
"""

MOVEMENT = """
    schema = 2
    [[target]]
    id = "my-walk"
    kind = "movement"
    name = "Walk"
    position = "standing"
    seconds = 60
    how = "Walk about."
    sources = ["Solomon 2018"]
"""


def test_stretch_only_and_movement_entries_load(tmp_path):
    write(tmp_path, "s.toml", STRETCH_ONLY)
    write(tmp_path, "m.toml", MOVEMENT)
    catalog = load_catalog(tmp_path)
    assert catalog.problems == []
    stretch = catalog.targets["my-neck-stretch"]
    assert (stretch.kind, stretch.methods, stretch.stretch.name) == ("stretch", (), "Tilt")
    walk = catalog.targets["my-walk"]
    assert (walk.kind, walk.how, walk.seconds, walk.position, walk.areas) == (
        "movement", "Walk about.", 60, "standing", ())


@pytest.mark.parametrize(
    ("text", "change", "field", "words"),
    [
        (STRETCH_ONLY, ("[target.stretch]", "[target.dosage]\nhold_s = 30\n[target.stretch]"),
         "dosage", "no pressure methods"),
        (STRETCH_ONLY, ('[target.stretch]\nname = "Tilt"\nhow = "Tilt your head."\nhold_s = 20',
                        ""), "stretch", "is missing"),
        (MOVEMENT, ("seconds = 60", "seconds = 600"), "seconds", "from 30 to 120"),
        (MOVEMENT, ('position = "standing"', 'position = "lying"'), "position", "seated"),
        (MOVEMENT, ('sources = ["Solomon 2018"]', "sources = []"), "sources", "missing"),
        (MOVEMENT, ('how = "Walk about."', 'how = "Walk."\n[target.stretch]\nname = "x"'),
         "stretch", "only how, seconds and position"),
    ],
)
def test_broken_new_kinds_are_named(tmp_path, text, change, field, words):
    broken = textwrap.dedent(text).replace(*change)
    assert broken != textwrap.dedent(text)
    (tmp_path / "mine.toml").write_text(broken)
    catalog = load_catalog(tmp_path)
    [problem] = catalog.problems
    assert (problem.field, words in problem.message) == (field, True), problem


MAPPED = STRETCH_ONLY + """
    [target.map.whole]
    points = [{ view = "front", x = 0.48, y = 0.15 }]
    zones = [{ view = "front", ellipse = [0.5, 0.05, 0.03, 0.02] }]
"""


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("x = 0.48, y = 0.15", "x = 0.1, y = 0.15"), "map.whole.points #1", "outside"),
        (("x = 0.48", "x = 1.5"), "map.whole.points #1", "0 to 1"),
        (('view = "front", x', 'view = "side", x'), "map.whole.points #1.view", "front"),
        (("ellipse = [0.5, 0.05, 0.03, 0.02]", "ellipse = [0.5, 0.05, 0, 0.02]"),
         "map.whole.zones #1", "empty"),
        (("ellipse = [0.5, 0.05, 0.03, 0.02]", "ellipse = [0.05, 0.9, 0.03, 0.02]"),
         "map.whole.zones #1", "outside the body"),
        (("ellipse = [0.5, 0.05, 0.03, 0.02]", "polygon = [[0.5, 0.1], [0.51, 0.1]]"),
         "map.whole.zones #1.polygon", "at least 3"),
        (("[target.map.whole]", "[target.map.left]"), "map", "one-sided"),
        (("bilateral = false", "bilateral = true"), "map", "left] and"),
        (("zones = [{", "zones = []\nold = [{"), "map.whole.zones", "at least one zone"),
    ],
)
def test_a_broken_map_is_named(tmp_path, change, field, words):
    broken = textwrap.dedent(MAPPED).replace(*change)
    assert broken != textwrap.dedent(MAPPED)
    (tmp_path / "mine.toml").write_text(broken)
    catalog = load_catalog(tmp_path)
    [problem] = catalog.problems
    assert problem.field == field, problem
    assert words in problem.message, problem


def test_a_valid_map_loads(tmp_path):
    write(tmp_path, "mine.toml", MAPPED)
    catalog = load_catalog(tmp_path)
    assert catalog.problems == []
    body_map = catalog.targets["my-neck-stretch"].body_map
    assert body_map.views() == ("front",)
    assert body_map.to_json()["whole"]["points"] == [{"view": "front", "x": 0.48, "y": 0.15}]


def test_builtin_files_pass_every_check_a_persons_own_file_gets(tmp_path, builtin):
    # At start-up the built-in maps are read without the field-by-field checks (for speed);
    # loaded as a person's own files, they get them all, and nothing may fail.
    import shutil

    for path in library_files(builtin_dir()):
        shutil.copy(path, tmp_path / path.name)
    checked = load_catalog(tmp_path)
    assert checked.problems == []
    assert checked.targets == builtin.targets
