"""Safety properties of the routine builder, written before the builder change (issue 8).

Each runs at least 200 examples through the pure builder, over the loaded library and over
generated libraries (the library changes under the builder: these hold for any content).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from coach import safety
from coach.builder import build_routine
from coach.catalog import (
    HOLD_RANGE_S,
    MAX_SECONDS_PER_POINT,
    Catalog,
    Method,
    StretchSpec,
    Target,
    load_catalog,
)
from coach.model import STRETCH_ONLY, History, Profile, Response

LOADED = load_catalog(include_user=False)
PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])
PRESSING = ("sustained-pressure", "short-strokes", "rolling")
URGENT = sorted(c.id for c in LOADED.cautions.values() if c.urgent)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


# --- generated libraries: the loaded areas, tools, habits and cautions, generated targets ----
# Strategies are built once here: building them inside each draw costs more than the builder.

AREAS, TOOLS = sorted(LOADED.areas), sorted(LOADED.tools)
CAUTIONS, HABITS = sorted(LOADED.cautions), sorted(LOADED.habits)
GENERATED_MUSCLES = [f"muscle-{number}" for number in range(8)]
MUSCLES = sorted(set(LOADED.targets) | set(GENERATED_MUSCLES))
NUMBER = st.integers(0, 10_000)
POSITIONS = ("seated", "standing", "lying")
area_lists = st.lists(st.sampled_from(AREAS), min_size=1, max_size=3, unique=True)
tool_lists = st.lists(st.sampled_from(TOOLS), min_size=1, max_size=2, unique=True)
caution_lists = st.lists(st.sampled_from(CAUTIONS), max_size=2, unique=True)


def pick(number: int, low: int, high: int) -> int:
    return low + number % (high - low + 1)


@st.composite
def methods(draw):
    technique = draw(st.sampled_from(PRESSING))
    low, high = HOLD_RANGE_S[technique]
    max_hold = pick(draw(NUMBER), low, high)
    max_reps = pick(draw(NUMBER), 1, 3)
    hold = pick(draw(NUMBER), low, max_hold)
    reps = pick(draw(NUMBER), 1, max(1, min(max_reps, MAX_SECONDS_PER_POINT // hold)))
    max_session = pick(draw(NUMBER), max(low, hold * reps), MAX_SECONDS_PER_POINT)
    return Method(tuple(draw(tool_lists)), draw(st.sampled_from(POSITIONS)), technique, "how",
                  hold, pick(draw(NUMBER), 5, 30), reps, max_hold_s=max_hold,
                  max_reps=max_reps, max_session_s=max_session,
                  pressure=draw(st.sampled_from(("light", "moderate", "firm"))),
                  body_weight=draw(st.booleans()), lying_on_back=draw(st.booleans()))


@st.composite
def method_lists(draw):
    """One to three methods, each with its own words, so a step names the method it uses
    (two methods alike but for their caps or flags would otherwise be told apart by luck)."""
    drawn = draw(st.lists(methods(), min_size=1, max_size=3))
    return [method._replace(how=f"how {index}") for index, method in enumerate(drawn)]
stretches = st.one_of(st.none(), st.builds(
    StretchSpec, st.just("stretch"), st.just("how"), st.integers(15, 60), st.integers(1, 3),
    st.sampled_from(POSITIONS)))


@st.composite
def catalogs(draw):
    if draw(st.booleans()):
        return LOADED
    targets = {}
    for target_id in GENERATED_MUSCLES[:pick(draw(NUMBER), 1, len(GENERATED_MUSCLES))]:
        kind = draw(st.sampled_from(("pressure", "pressure", "stretch", "movement")))
        targets[target_id] = Target(
            target_id, target_id.title(), tuple(draw(area_lists)), draw(st.booleans()),
            "find", "refers", tuple(draw(method_lists())), draw(stretches), (),
            tuple(draw(caution_lists)), ("source",), kind)
    return Catalog(areas=dict(LOADED.areas), tools=dict(LOADED.tools), habits={},
                   cautions=dict(LOADED.cautions), targets=targets)


profile_areas = st.lists(st.sampled_from(AREAS), min_size=1, max_size=6, unique=True)
habit_lists = st.lists(st.sampled_from(HABITS), max_size=3, unique=True)
owned_tools = st.lists(st.sampled_from(TOOLS), min_size=1, unique=True)
profile_cautions = st.lists(st.sampled_from(CAUTIONS), max_size=3, unique=True)
avoid_lists = st.lists(st.sampled_from(AREAS), max_size=2, unique=True)


@st.composite
def profiles(draw, catalog, cautions=None):
    if cautions is None:
        cautions = draw(profile_cautions)
    return Profile(
        areas=tuple(draw(profile_areas)),
        habits=tuple(draw(habit_lists)) if catalog.habits else (),
        tools=tuple(draw(owned_tools)),
        minutes=pick(draw(NUMBER), 3, 60),
        desk_only=draw(st.booleans()),
        cautions=tuple(cautions),
        avoid_areas=tuple(draw(avoid_lists)),
        screened=draw(st.booleans()),
    )


changes = st.lists(st.integers(-10, 10), max_size=6).map(tuple)
muscle_names = st.sampled_from(MUSCLES)
area_names = st.sampled_from(AREAS)
pain_maps = st.dictionaries(area_names, st.floats(0, 10).map(lambda v: round(v, 2)),
                            max_size=5)
latest_maps = st.dictionaries(area_names, st.integers(0, 10), max_size=4)
note_maps = st.dictionaries(area_names, st.lists(st.sampled_from(
    ("", "tight", "new numbness in my hand", "shooting pain", "better")), max_size=2).map(tuple),
    max_size=3)
count_maps = st.dictionaries(muscle_names, st.integers(0, 40), max_size=10)
dose_maps = st.dictionaries(muscle_names, st.integers(20, 300), max_size=10)
sore_maps = st.dictionaries(area_names, st.sampled_from(("a-lot", "lasting")), max_size=2)
technique_maps = st.dictionaries(st.sampled_from(PRESSING), changes, max_size=2)
days_back = st.integers(0, 10)


@st.composite
def histories(draw, catalog, day):
    def recent():
        return day - timedelta(days=draw(days_back))

    last_done = {draw(muscle_names): recent() for _ in range(pick(draw(NUMBER), 0, 8))}
    response = {}
    for _ in range(pick(draw(NUMBER), 0, 6)):
        response[draw(muscle_names)] = Response(
            draw(changes), draw(technique_maps), recent() if draw(st.booleans()) else None)
    return History(pain=draw(pain_maps), latest=draw(latest_maps), notes=draw(note_maps),
                   last_done=last_done, done_count=draw(count_maps),
                   last_dose_s=draw(dose_maps), response=response, sore=draw(sore_maps))


def scenario(cautions=None):
    @st.composite
    def draw_all(draw):
        catalog = draw(catalogs())
        day = draw(days)
        return (catalog, draw(profiles(catalog, cautions)), day,
                draw(histories(catalog, day)))
    return draw_all()


def touches(catalog, step, areas) -> bool:
    return step.area in areas or bool(set(catalog.targets[step.muscle].areas) & set(areas))


WORSE_RECORDS = st.sampled_from([(2, 1, -1), (1, 0, 3), (-2, 1, 2), (0, 4, 1, 1)])


# --- the properties ----------------------------------------------------------------------

@PROPERTY
@given(scenario(), st.data())
def test_an_urgent_caution_gives_no_pressure_or_rolling_step(drawn, data):
    catalog, profile, day, history = drawn
    urgent = data.draw(st.sampled_from(URGENT + ["fever-infection"]))
    profile = profile._replace(cautions=(*profile.cautions, urgent))
    routine = build_routine(profile, day, history, catalog)
    assert routine.safety_level == "see-clinician"
    assert not [step for step in routine.steps if step.technique != STRETCH_ONLY]
    assert routine.safety_reasons and routine.notes


@PROPERTY
@given(scenario())
def test_no_step_in_or_touching_an_avoided_area(drawn):
    catalog, profile, day, history = drawn
    routine = build_routine(profile, day, history, catalog)
    avoided = safety.assess(profile, catalog, history, day).avoided_areas
    assert set(profile.avoid_areas) <= set(avoided)
    for step in routine.steps:
        assert not touches(catalog, step, avoided), (step.muscle, avoided)


@PROPERTY
@given(scenario())
def test_no_step_above_its_methods_caps_and_movements_never_appear(drawn):
    catalog, profile, day, history = drawn
    routine = build_routine(profile, day, history, catalog)
    for step in routine.steps:
        target = catalog.targets[step.muscle]
        assert target.kind != "movement"
        if step.technique == STRETCH_ONLY:
            assert step.reps == 0 and step.hold_s == 0 and step.stretch is not None
            continue
        assert target.kind == "pressure"
        method = next(m for m in target.methods
                      if m.tools == step.tools and m.technique == step.technique
                      and m.position == step.position and m.how == step.how)
        assert step.hold_s <= method.max_hold_s
        assert step.reps <= method.max_reps
        assert step.hold_s * step.reps <= method.max_session_s
        assert HOLD_RANGE_S[step.technique][0] <= step.hold_s


@PROPERTY
@given(scenario())
def test_no_pressure_on_a_muscle_worked_yesterday(drawn):
    catalog, profile, day, history = drawn
    routine = build_routine(profile, day, history, catalog)
    for step in routine.steps:
        if history.last_done.get(step.muscle) == day - timedelta(days=1):
            assert step.technique == STRETCH_ONLY, step.muscle


@PROPERTY
@given(scenario(cautions=["anticoagulants"]))
def test_blood_thinners_give_hands_only_light_steps_of_at_most_30_s(drawn):
    catalog, profile, day, history = drawn
    routine = build_routine(profile, day, history, catalog)
    for step in routine.steps:
        if step.technique == STRETCH_ONLY:
            continue
        method = next(m for m in catalog.targets[step.muscle].methods
                      if m.tools == step.tools and m.how == step.how)
        assert set(step.tools) == {"hands"} and not method.body_weight
        assert method.pressure != "firm"
        assert step.hold_s <= 30
        assert any("bruise" in caution for caution in step.cautions)


@PROPERTY
@given(scenario(cautions=["pregnancy"]))
def test_pregnancy_never_lies_on_the_back_nor_presses_the_low_back(drawn):
    catalog, profile, day, history = drawn
    routine = build_routine(profile, day, history, catalog)
    for step in routine.steps:
        if step.technique == STRETCH_ONLY:
            continue
        method = next(m for m in catalog.targets[step.muscle].methods
                      if m.tools == step.tools and m.how == step.how)
        assert not method.lying_on_back
        assert "low-back" not in catalog.targets[step.muscle].areas


@PROPERTY
@given(scenario(), st.data())
def test_pain_nine_or_more_in_an_area_gives_only_stretches_there(drawn, data):
    catalog, profile, day, history = drawn
    area = data.draw(st.sampled_from(profile.areas))
    history = history._replace(latest={**history.latest, area: 9})
    assume(area not in safety.assess(profile, catalog, history, day).avoided_areas)
    routine = build_routine(profile, day, history, catalog)
    for step in routine.steps:
        if touches(catalog, step, [area]):
            assert step.technique == STRETCH_ONLY
    assert routine.safety_level in ("stretch-only", "see-clinician")


@PROPERTY
@given(scenario(), st.data())
def test_a_note_about_numbness_gives_only_stretches_in_that_area(drawn, data):
    catalog, profile, day, history = drawn
    area = data.draw(st.sampled_from(profile.areas))
    history = history._replace(notes={area: ("new numbness",)})
    routine = build_routine(profile, day, history, catalog)
    for step in routine.steps:
        if touches(catalog, step, [area]):
            assert step.technique == STRETCH_ONLY


@PROPERTY
@given(scenario(), st.data())
def test_a_muscle_that_made_pain_worse_gets_at_most_half_its_previous_dose(drawn, data):
    catalog, profile, day, history = drawn
    muscle = data.draw(st.sampled_from(sorted(catalog.targets)))
    worse = data.draw(WORSE_RECORDS)
    previous = data.draw(st.integers(20, 300))
    history = history._replace(
        response={**history.response, muscle: Response(worse, {}, day - timedelta(
            days=data.draw(st.integers(0, 30))))},
        last_dose_s={**history.last_dose_s, muscle: previous},
    )
    routine = build_routine(profile, day, history, catalog)
    for step in routine.steps:
        if step.muscle == muscle:
            assert step.pressure_s <= previous // 2, (step.pressure_s, previous)


@PROPERTY
@given(scenario())
def test_total_time_never_exceeds_the_budget_by_more_than_ten_percent(drawn):
    catalog, profile, day, history = drawn
    routine = build_routine(profile, day, history, catalog)
    assert routine.total_s <= profile.minutes * 60 * 1.1


@PROPERTY
@given(scenario())
def test_a_first_time_muscle_gets_the_low_end_of_its_range(drawn):
    catalog, profile, day, history = drawn
    routine = build_routine(profile, day, history, catalog)
    for step in routine.steps:
        if step.technique != STRETCH_ONLY and not history.done_count.get(step.muscle):
            assert step.reps == 1 and step.hold_s == HOLD_RANGE_S[step.technique][0]


@PROPERTY
@given(scenario())
def test_every_step_carries_a_plain_reason_and_the_level_is_known(drawn):
    catalog, profile, day, history = drawn
    routine = build_routine(profile, day, history, catalog)
    assert routine.safety_level in safety.LEVELS
    assert all(step.reason for step in routine.steps)
    if not profile.screened:
        assert routine.safety_level != "ok"
