"""A refactor-for-speed guard: the builder gives exactly the routines it gave before.

Why this exists: issue 11 made the builder faster (precomputed doses and caps, fewer
passes). The builder decides what a person presses and for how long, so a speed change
must not change a single routine. A property cannot compare the old code with the new once
the old is gone, so these cases (named safety cases and seeded random ones, over the
loaded library and over generated libraries) were built with the builder as it was before
the speed work, and their `routine.to_json()` and `capacity_s` are stored in
data/builder_golden.json.gz (gzipped JSON, about 2 MB as text). The property tests in
test_builder*.py remain the guard of what a routine must be; this file guards that a
refactor changes nothing.

When the builder's behaviour changes on purpose, or the library content changes, check
the differences by hand, then regenerate:
    .venv/bin/python tests/unit/test_builder_golden.py --write
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.builder import build_routine, capacity_s
from coach.catalog import (
    HOLD_RANGE_S,
    MAX_SECONDS_PER_POINT,
    Catalog,
    Method,
    StretchSpec,
    Target,
    load_catalog,
)
from coach.model import History, Profile, Response


def replace(value, **changes):
    """A Profile (a named tuple) or a History (a dataclass) with some fields changed."""
    if hasattr(value, "_replace"):
        return value._replace(**changes)
    return dataclasses.replace(value, **changes)

FIXTURE = Path(__file__).parent / "data" / "builder_golden.json.gz"
LOADED = load_catalog(include_user=False)
AREAS, TOOLS = sorted(LOADED.areas), sorted(LOADED.tools)
HABITS, CAUTIONS = sorted(LOADED.habits), sorted(LOADED.cautions)
URGENT = sorted(c.id for c in LOADED.cautions.values() if c.urgent)
PRESSING = sorted(HOLD_RANGE_S)
DAY = date(2026, 3, 10)
FULL = Profile(areas=tuple(LOADED.areas), habits=tuple(LOADED.habits), tools=tuple(LOADED.tools),
               minutes=60, screened=True)
BENCH_PAIN = {area: index % 11 for index, area in enumerate(LOADED.areas)}
NOTES = ("", "tight", "new numbness in my hand", "shooting pain", "better")


def library_fingerprint(catalog: Catalog) -> str:
    """The loaded library's content: a changed library changes routines, not the builder."""
    text = repr((sorted(catalog.areas.items()), sorted(catalog.habits.items()),
                 sorted(catalog.cautions.items()), list(catalog.targets.items())))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- named cases: the safety gates and the edges of the budget -----------------------------

def named_cases():
    """(name, catalog, profile, day, history, budget_s) for each case worth naming."""
    screened = Profile(screened=True)
    everyone = FULL
    muscle = "upper-trapezius"
    yesterday = DAY - timedelta(days=1)
    worse_twice = History(
        pain={"neck": 5, "shoulders": 3}, done_count={muscle: 4, "levator-scapulae": 2},
        last_dose_s={muscle: 120},
        response={muscle: Response((0, 2, 1), {"sustained-pressure": (0, 2, 1)},
                                   DAY - timedelta(days=6))})
    cases = [
        ("first time, defaults, unscreened", Profile(), History()),
        ("first time, defaults, screened", screened, History()),
        ("full library 60 min, bench pain", everyone, History(pain=BENCH_PAIN)),
        ("full library 60 min, no pain", everyone, History()),
        ("full library 60 min, done before",
         everyone, History(pain=BENCH_PAIN, done_count=dict.fromkeys(LOADED.targets, 3))),
        ("full library 60 min, unscreened", replace(everyone, screened=False),
         History(pain=BENCH_PAIN)),
        ("pain 9 in the neck", screened, History(pain={"neck": 9, "upper-back": 4})),
        ("latest 9, mean lower", screened, History(pain={"neck": 5}, latest={"neck": 9})),
        ("pain 7 in the low back", screened, History(pain={"low-back": 7, "neck": 2},
                                                      done_count={muscle: 3})),
        ("pain 10 everywhere", screened, History(pain=dict.fromkeys(screened.areas, 10))),
        ("nerve words in a note", screened,
         History(pain={"forearm-wrist": 3}, notes={"forearm-wrist": ("tingling fingers",)})),
        ("worse twice, rested", screened, worse_twice),
        ("worse twice, resting now",
         screened, replace(worse_twice, response={muscle: Response(
             (0, 2, 1), {}, DAY - timedelta(days=2))})),
        ("worse three of four: dropped", screened,
         History(pain={"neck": 4}, done_count={muscle: 5},
                 response={muscle: Response((1, 2, 0, 3), {}, DAY - timedelta(days=8))})),
        ("helps: best technique", replace(screened, tools=tuple(TOOLS)),
         History(pain={"neck": 4}, done_count={muscle: 6}, response={muscle: Response(
             (-2, -3, -1, -2), {"short-strokes": (-3, -3, -2), "sustained-pressure": (0, 1)},
             DAY - timedelta(days=4))})),
        ("pressed yesterday", screened,
         History(pain={"neck": 3}, done_count={muscle: 2}, last_done={muscle: yesterday})),
        ("sore a lot, lasting", screened,
         History(pain={"neck": 3, "shoulders": 2},
                 sore={"neck": "a-lot", "shoulders": "lasting"})),
        ("blood thinners", replace(everyone, cautions=("anticoagulants",)),
         History(pain=BENCH_PAIN)),
        ("pregnancy", replace(everyone, cautions=("pregnancy",)), History(pain=BENCH_PAIN)),
        ("pregnancy and blood thinners, desk only",
         replace(screened, areas=("low-back", "calves", "neck"), desk_only=True,
                 cautions=("pregnancy", "anticoagulants")), History(pain={"calves": 4})),
        ("avoided areas", replace(everyone, avoid_areas=("neck", "calves"),
                                  cautions=("recent-injury-surgery",)), History(pain=BENCH_PAIN)),
        ("injury, no area named", replace(screened, cautions=("wound-fracture",)), History()),
        ("calf swollen now", replace(everyone, cautions=("calf-swollen-now",)),
         History(pain=BENCH_PAIN)),
        ("cancer treatment", replace(screened, cautions=("cancer-treatment",)), History()),
        ("fever", replace(screened, cautions=("fever-infection",)), History()),
        ("widespread pain, osteoporosis",
         replace(screened, cautions=("widespread-pain", "osteoporosis")), History()),
        ("hands only", replace(screened, tools=("hands",)), History(pain={"neck": 6})),
        ("desk only", replace(everyone, desk_only=True), History(pain=BENCH_PAIN)),
        ("an area gone from the library", replace(screened, areas=("neck", "elbow-gone")),
         History()),
        ("3 minutes, every area", replace(everyone, minutes=3), History(pain=BENCH_PAIN)),
        ("5 minutes, every area", replace(everyone, minutes=5), History(pain=BENCH_PAIN)),
        ("10 minutes, every area", replace(everyone, minutes=10), History(pain=BENCH_PAIN)),
        ("20 minutes, every area", replace(everyone, minutes=20), History()),
        ("60 minutes, one area", replace(screened, areas=("jaw",), minutes=60), History()),
    ]
    cases += [(f"urgent: {caution}", replace(screened, cautions=(caution,)), History())
              for caution in URGENT]
    found = []
    for name, profile, history in cases:
        for offset in (0, 1):  # alternate days take turns: both parities
            found.append((f"{name} (+{offset}d)", LOADED, profile,
                          DAY + timedelta(days=offset), history, None))
    for budget in (60, 90, 150, 240, 400):
        found.append((f"budget {budget} s, every area", LOADED, FULL, DAY,
                      History(pain=BENCH_PAIN), budget))
    return found


# --- seeded random cases: a wide spread, reproducible from the seed -------------------------

def some(rng: random.Random, items, most: int, least: int = 0) -> tuple:
    return tuple(rng.sample(list(items), rng.randint(least, min(most, len(items)))))


def random_method(rng: random.Random, index: int) -> Method:
    technique = rng.choice(PRESSING)
    low, high = HOLD_RANGE_S[technique]
    max_hold = rng.randint(low, high)
    max_reps = rng.randint(1, 3)
    hold = rng.randint(low, max_hold)
    reps = rng.randint(1, max(1, min(max_reps, MAX_SECONDS_PER_POINT // hold)))
    return Method(some(rng, TOOLS, 2, 1), rng.choice(("seated", "standing", "lying")),
                  technique, f"how {index}", hold, rng.randint(5, 30), reps,
                  max_hold_s=max_hold, max_reps=max_reps,
                  max_session_s=rng.randint(max(low, hold * reps), MAX_SECONDS_PER_POINT),
                  pressure=rng.choice(("light", "moderate", "firm")),
                  body_weight=rng.random() < 0.5, lying_on_back=rng.random() < 0.5)


def random_catalog(rng: random.Random) -> Catalog:
    targets = {}
    for number in range(rng.randint(1, 10)):
        target_id = f"muscle-{number}"
        stretch = None if rng.random() < 0.3 else StretchSpec(
            "stretch", "how", rng.randint(15, 60), rng.randint(1, 3),
            rng.choice(("seated", "standing", "lying")))
        kind = rng.choice(("pressure", "pressure", "pressure", "stretch", "movement"))
        methods = tuple(random_method(rng, index) for index in range(rng.randint(1, 3)))
        targets[target_id] = Target(
            target_id, target_id.title(), some(rng, AREAS, 3, 1), rng.random() < 0.5, "find",
            "refers", methods, stretch, (), some(rng, CAUTIONS, 2), ("source",), kind)
    return Catalog(areas=dict(LOADED.areas), tools=dict(LOADED.tools), habits={},
                   cautions=dict(LOADED.cautions), targets=targets)


def random_history(rng: random.Random, catalog: Catalog, day: date) -> History:
    muscles = sorted(catalog.targets)

    def recent() -> date:
        return day - timedelta(days=rng.randint(0, 10))

    def changes() -> tuple[int, ...]:
        return tuple(rng.randint(-5, 5) for _ in range(rng.randint(0, 6)))

    response = {muscle: Response(changes(), {technique: changes() for technique in
                                             some(rng, PRESSING, 2)},
                                 recent() if rng.random() < 0.8 else None)
                for muscle in some(rng, muscles, 6)}
    high = rng.random() < 0.3  # now and then pain of 9 or 10, or a note about numbness
    top = 10 if high else 8.9
    return History(
        pain={area: rng.choice((rng.randint(0, int(top)), round(rng.uniform(0, top), 2)))
              for area in some(rng, AREAS, 8)},
        latest={area: rng.randint(0, int(top)) for area in some(rng, AREAS, 3)},
        notes={area: some(rng, NOTES if high else NOTES[:2], 2) for area in some(rng, AREAS, 2)},
        last_done={muscle: recent() for muscle in some(rng, muscles, 8)},
        done_count={muscle: rng.randint(0, 40) for muscle in
                    (muscles if rng.random() < 0.3 else some(rng, muscles, 12))},
        last_dose_s={muscle: rng.randint(20, 300) for muscle in some(rng, muscles, 10)},
        response=response,
        sore={area: rng.choice(("a-lot", "lasting")) for area in some(rng, AREAS, 2)},
    )


def random_cases(count: int = 240):
    rng = random.Random(20261130)
    found = []
    for number in range(count):
        catalog = LOADED if number % 3 else random_catalog(rng)
        day = date(2025, 1, 1) + timedelta(days=rng.randint(0, 2000))
        cautions = some(rng, CAUTIONS, 3) if rng.random() < 0.25 else ()
        profile = Profile(
            areas=some(rng, AREAS, 15 if rng.random() < 0.3 else 6, 1),
            habits=some(rng, HABITS, 4) if catalog.habits else (),
            tools=some(rng, TOOLS, len(TOOLS), 1), minutes=rng.randint(3, 60),
            desk_only=rng.random() < 0.25, cautions=cautions,
            avoid_areas=some(rng, AREAS, 2) if rng.random() < 0.2 else (),
            screened=rng.random() < 0.85)
        history = random_history(rng, catalog, day) if rng.random() < 0.9 else History()
        budget = rng.randint(30, 3600) if rng.random() < 0.1 else None
        found.append((f"random {number}", catalog, profile, day, history, budget))
    return found


def all_cases():
    return named_cases() + random_cases()


def outcome(catalog, profile, day, history, budget) -> dict:
    routine = build_routine(profile, day, history, catalog, budget)
    return {"routine": routine.to_json(), "capacity_s": capacity_s(profile, catalog, history, day)}


def canonical(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True)


def compute() -> dict:
    return {"library": library_fingerprint(LOADED),
            "cases": {name: outcome(catalog, profile, day, history, budget)
                      for name, catalog, profile, day, history, budget in all_cases()}}


@pytest.fixture(scope="module")
def golden() -> dict:
    stored = json.loads(gzip.decompress(FIXTURE.read_bytes()))
    if stored["library"] != library_fingerprint(LOADED):
        pytest.fail("The library content changed since data/builder_golden.json.gz was made: "
                    "check the builder did not change, then regenerate it (see this file's "
                    "docstring).")
    return stored["cases"]


def test_the_cases_are_the_stored_ones(golden):
    assert sorted(golden) == sorted(name for name, *_ in all_cases())


@pytest.mark.parametrize("case", all_cases(), ids=lambda case: case[0])
def test_the_builder_gives_the_stored_routine(golden, case):
    name, catalog, profile, day, history, budget = case
    # As text: 30 and 30.0 are equal numbers but not the same output.
    assert canonical(outcome(catalog, profile, day, history, budget)) == canonical(golden[name])


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    FIXTURE.parent.mkdir(exist_ok=True)
    text = json.dumps(compute(), separators=(",", ":"), sort_keys=True) + "\n"
    FIXTURE.write_bytes(gzip.compress(text.encode(), mtime=0))
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size} bytes)")
