"""The routine library loads, is complete, and a broken file is reported without losing the rest."""

from __future__ import annotations

import textwrap

import pytest

from coach.catalog import (
    HOLD_RANGE_S,
    MAX_SECONDS_PER_POINT,
    POSITIONS,
    check_file,
    load_catalog,
)
from coach.errors import UsageError

REQUIRED_AREAS = {
    "neck", "upper-back", "between-shoulder-blades", "shoulders", "front-shoulder", "chest",
    "low-back", "hips-glutes", "sciatica-like", "jaw", "tension-headache", "forearm-wrist",
    "calves", "feet-heel",
}
REQUIRED_TOOLS = {"ball", "foam-roller", "stick", "hands", "wall", "door-frame"}


@pytest.fixture(scope="module")
def builtin():
    return load_catalog(include_user=False)


def test_builtin_library_has_no_problems(builtin):
    assert builtin.problems == []


def test_builtin_library_is_complete(builtin):
    assert set(builtin.areas) >= REQUIRED_AREAS
    assert set(builtin.tools) >= REQUIRED_TOOLS
    assert len(builtin.targets) >= 24
    assert len(builtin.habits) >= 7
    for area in REQUIRED_AREAS:
        serving = [t for t in builtin.targets.values() if area in t.areas]
        assert len(serving) >= 2, area
        seated = [t for t in serving if any(
            m.position == "seated" and set(m.tools) <= {"ball", "hands", "wall"}
            for m in t.methods)]
        assert seated, f"{area} has nothing a desk-only person with a ball can do"


def test_every_target_is_sourced_and_within_dosage_ranges(builtin):
    for target in builtin.targets.values():
        assert target.sources, target.id
        if target.kind == "movement":
            assert target.how and target.seconds and target.position, target.id
        else:
            assert target.find and target.refers, target.id
        for method in target.methods:
            low, high = HOLD_RANGE_S[method.technique]
            assert low <= method.hold_s <= high, target.id
            assert method.reps * method.hold_s <= MAX_SECONDS_PER_POINT
            assert method.position in POSITIONS


def test_neck_front_is_never_pressed(builtin):
    scm = [t for t in builtin.targets.values() if "sternocleidomastoid" in t.id]
    assert scm and all(t.cautions for t in scm)


def test_names_resolve_by_id_or_label(builtin):
    assert builtin.resolve_area("low-back") == "low-back"
    assert builtin.resolve_area("Low back") == "low-back"
    assert builtin.resolve_area("  LOW BACK ") == "low-back"
    assert builtin.resolve_list("area", "neck,Low back,neck") == ("neck", "low-back")


def test_unknown_name_suggests_the_closest(builtin):
    with pytest.raises(UsageError, match="did you mean low-back"):
        builtin.resolve_area("low-bak")
    with pytest.raises(UsageError, match="unknown tool 'hammer'"):
        builtin.resolve_tool("hammer")


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


GOOD_TARGET = """
    [[target]]
    id = "my-calf-point"
    name = "My calf point"
    areas = ["calves"]
    bilateral = true
    find = "The tender spot in the middle of the calf."
    refers = "a local ache where it is tight"
    cautions = []
    sources = ["my physiotherapist"]
    [target.dosage]
    hold_s = 40
    release_s = 10
    reps = 2
    [[target.method]]
    tools = ["ball"]
    position = "seated"
    technique = "sustained-pressure"
    how = "Rest the calf on the ball."
"""


def test_user_file_adds_and_overrides(tmp_path, builtin):
    some_id = next(iter(builtin.targets))
    override = GOOD_TARGET.replace('"my-calf-point"', f'"{some_id}"').replace(
        'name = "My calf point"', 'name = "Mine now"')
    write(tmp_path, "extra.toml", "schema = 1\n" + GOOD_TARGET)
    write(tmp_path, "override.toml", "schema = 1\n" + override)
    catalog = load_catalog(tmp_path)
    assert catalog.problems == []
    assert "my-calf-point" in catalog.targets
    assert catalog.targets[some_id].name == "Mine now"
    assert len(catalog.targets) == len(builtin.targets) + 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (('hold_s = 40', 'hold_s = 200'), "method #1.hold_s", "from 20 to 90"),
        (('areas = ["calves"]', 'areas = ["elbow"]'), "areas", "unknown area 'elbow'"),
        (('tools = ["ball"]', 'tools = ["hammer"]'), "method #1.tools", "unknown tool"),
        (('find = "The tender spot in the middle of the calf."\n', ''), "find", "missing"),
        (('position = "seated"', 'position = "upside-down"'), "method #1.position", "one of"),
        (('reps = 2', 'reps = 0'), "method #1.reps", "from 1 to 3"),
    ],
)
def test_a_broken_entry_is_named_and_the_rest_still_loads(tmp_path, change, field, words):
    broken = GOOD_TARGET.replace(*change)
    assert broken != GOOD_TARGET
    write(tmp_path, "mine.toml", "schema = 1\n" + broken)
    catalog = load_catalog(tmp_path)
    assert "my-calf-point" not in catalog.targets
    assert len(catalog.targets) >= 24
    [problem] = catalog.problems
    assert problem.file.endswith("mine.toml")
    assert problem.entry == "my-calf-point"
    assert problem.field == field
    assert words in problem.message


def test_bad_toml_and_duplicates_and_missing_schema(tmp_path):
    write(tmp_path, "a.toml", "schema = 1\n[[target]\nid = ")
    write(tmp_path, "b.toml", "schema = 1\n" + GOOD_TARGET + GOOD_TARGET)
    write(tmp_path, "c.toml", GOOD_TARGET.replace("my-calf-point", "other"))
    write(tmp_path, "d.toml", "schema = 99\n")
    catalog = load_catalog(tmp_path)
    messages = {problem.file.rsplit("/", 1)[-1]: str(problem) for problem in catalog.problems}
    assert "not valid TOML" in messages["a.toml"]
    assert "duplicate target id" in messages["b.toml"]
    assert "schema = 2" in messages["c.toml"]
    assert "newer than this coach" in messages["d.toml"]
    assert "my-calf-point" in catalog.targets  # the first copy still loads


def test_check_file(tmp_path):
    good = write(tmp_path, "good.toml", "schema = 1\n" + GOOD_TARGET)
    bad = write(tmp_path, "bad.toml", "schema = 1\n" + GOOD_TARGET.replace("reps = 2", "reps = 9"))
    assert check_file(good) == []
    [problem] = check_file(bad)
    assert "reps" in problem.field
    assert check_file(tmp_path / "missing.toml")[0].message == "no such file"


def test_habit_loads_must_name_known_targets(tmp_path):
    write(tmp_path, "h.toml", """
        schema = 1
        [[habit]]
        id = "gaming"
        label = "Gaming"
        [habit.loads]
        no-such-muscle = 0.5
    """)
    catalog = load_catalog(tmp_path)
    [problem] = catalog.problems
    assert problem.entry == "gaming" and problem.field == "loads.no-such-muscle"


def test_schema_1_methods_get_schema_2_defaults(tmp_path):
    write(tmp_path, "old.toml", "schema = 1\n" + GOOD_TARGET)
    target = load_catalog(tmp_path).targets["my-calf-point"]
    [method] = target.methods
    assert target.kind == "pressure"
    assert (method.max_hold_s, method.max_reps, method.max_session_s) == (
        60, 3, MAX_SECONDS_PER_POINT)
    assert method.pressure == "moderate"
    assert method.body_weight is True  # you lean on a ball
    assert method.lying_on_back is False


def test_schema_2_caps_and_flags_are_read(tmp_path):
    how = 'how = "Rest the calf on the ball."'
    capped = GOOD_TARGET.replace(how, how + '''
    max_hold_s = 40
    max_reps = 2
    max_session_s = 80
    pressure = "light"
    body_weight = false
    lying_on_back = true''')
    write(tmp_path, "new.toml", "schema = 2\n" + capped.replace(
        'id = "my-calf-point"', 'id = "my-calf-point"\n    kind = "pressure"'))
    catalog = load_catalog(tmp_path)
    assert catalog.problems == []
    [method] = catalog.targets["my-calf-point"].methods
    assert (method.max_hold_s, method.max_reps, method.max_session_s) == (40, 2, 80)
    assert (method.pressure, method.body_weight, method.lying_on_back) == ("light", False, True)


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ("max_hold_s = 30", "method #1.hold_s", "above max_hold_s"),
        ("max_reps = 1", "method #1.reps", "above max_reps"),
        ("max_session_s = 60", "method #1.max_session_s", "above max_session_s"),
        ('pressure = "deep"', "method #1.pressure", "one of light"),
        ('body_weight = "yes"', "method #1.body_weight", "true or false"),
    ],
)
def test_a_default_dose_above_its_caps_is_refused(tmp_path, extra, field, words):
    broken = GOOD_TARGET.replace('how = "Rest the calf on the ball."',
                                 f'how = "Rest the calf on the ball."\n    {extra}')
    write(tmp_path, "mine.toml", "schema = 2\n" + broken)
    catalog = load_catalog(tmp_path)
    assert "my-calf-point" not in catalog.targets
    [problem] = catalog.problems
    assert (problem.field, words in problem.message) == (field, True), problem


def test_every_builtin_default_dose_fits_its_caps(builtin):
    for target in builtin.targets.values():
        for method in target.methods:
            assert method.hold_s <= method.max_hold_s
            assert method.reps <= method.max_reps
            assert method.hold_s * method.reps <= method.max_session_s
            assert target.kind in ("pressure", "stretch", "movement")


def test_the_parsed_library_cache_is_used_kept_private_and_holds_only_this_library(
        tmp_path, monkeypatch):
    """The built-in files are parsed once and read back from JSON while unchanged; entries
    for other checkouts are dropped (they piled up to 1.8 MB and slowed every start); a
    broken cache is rebuilt, never fatal."""
    import json

    from coach import catalog as catalog_module
    from coach.locations import cache_dir

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "home"))
    parsed = []
    real_parse = catalog_module._parse_toml
    monkeypatch.setattr(catalog_module, "_parse_toml",
                        lambda path: parsed.append(path) or real_parse(path))
    first = load_catalog(include_user=False)
    files = catalog_module.library_files(catalog_module.builtin_dir())
    assert len(parsed) == len(files)
    cache_file = next(cache_dir().glob("library-v*.json"))
    assert cache_file.stat().st_mode & 0o777 == 0o600

    parsed.clear()
    assert load_catalog(include_user=False).areas == first.areas
    assert parsed == []  # every file came from the cache

    entries = json.loads(cache_file.read_text())
    entries["/elsewhere/routines/areas.toml"] = [[1, 2], {"schema": 2}]
    cache_file.write_text(json.dumps(entries))
    load_catalog(include_user=False)
    assert set(json.loads(cache_file.read_text())) == {str(path) for path in files}

    cache_file.write_text("{ not json")
    assert load_catalog(include_user=False).areas == first.areas
    assert len(parsed) == len(files)  # parsed again, and the cache is whole again
    assert set(json.loads(cache_file.read_text())) == {str(path) for path in files}


def test_a_catalog_is_filled_in_place_and_equal_by_its_entries(builtin):
    from coach.catalog import Catalog

    empty, other = Catalog(), Catalog()
    assert empty == other and empty.areas is not other.areas  # each its own dicts
    assert empty.problems == [] and empty.problems is not other.problems
    copied = Catalog(areas=dict(builtin.areas), tools=dict(builtin.tools),
                     habits=dict(builtin.habits), cautions=dict(builtin.cautions),
                     targets=dict(builtin.targets))
    assert copied == builtin and copied == load_catalog(include_user=False)
    copied.targets.pop("upper-trapezius")
    assert copied != builtin and "upper-trapezius" in builtin.targets
    with pytest.raises(TypeError):
        hash(empty)
    assert repr(empty) == ("Catalog(areas={}, tools={}, habits={}, cautions={}, targets={}, "
                           "problems=[])")


@pytest.mark.parametrize("entry_id", ["My-calf", "my--calf", "-calf", "calf-", "", "calf\\n",
                                      "calf_point", "wadenpunkt-\u00e4", "calf\u0661"])
def test_an_id_is_lower_case_words_joined_by_single_hyphens(tmp_path, entry_id):
    good = write(tmp_path, "good.toml",
                 "schema = 1\n" + GOOD_TARGET.replace("my-calf-point", "calf-2-point"))
    assert check_file(good) == []
    bad = write(tmp_path, "bad.toml",
                "schema = 1\n" + GOOD_TARGET.replace("my-calf-point", entry_id))
    [problem] = check_file(bad)
    assert (problem.field, problem.message) == ("id", "needs a lower-case id like 'upper-back'")
