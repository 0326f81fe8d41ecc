"""Builds today's routine from the profile, the date, recent history and the library.

Pure: no I/O, no clock reads. The same inputs always give the same routine.

How it decides, in order:
0. Safety first (safety.assess): "see-clinician" gives no routine; avoided areas are left
   out; "stretch-only" areas get stretches; "gentle" means lighter holds and less time.
1. Candidates: for each chosen area, the targets that serve it, are not ruled out by the
   person's cautions, and have a method using only tools they own (seated only when
   desk-only). Each gets its caps: the library's per-method limits, then lower ones for a
   first time (the low end), a gentle gate, blood thinners, soreness, or a muscle that made
   pain worse (half the last dose, after a rest); one pressed yesterday gets its stretch only,
   and one that keeps making pain worse is left out (response.py decides these).
2. Areas for today: all of them when the budget allows; otherwise the most painful
   every day and the rest on alternate days, so every area comes up within two days.
3. Time per area: shared in proportion to 1 + recent pain (pain counted up to 6), never
   less for an area that hurts more, within what the area's muscles can take.
4. Muscles per area: a muscle that helps this person first, then the least recently done,
   then by how much the person's habits load them.
5. Dosage: holds, repetitions and stretches tuned inside the DOMAIN.md ranges and the caps
   to fill the area's time; a bilateral muscle gets the same dose left then right. When the
   caps leave time over, the routine is shorter and says so; holds never grow past them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from coach import response, safety
from coach.catalog import (
    HOLD_RANGE_S,
    MAX_SECONDS_PER_POINT,
    STRETCH_HOLD_RANGE_S,
    STRETCH_REPS_RANGE,
    Catalog,
    Method,
    Target,
)
from coach.model import STRETCH_ONLY, History, Profile, Routine, Step, Stretch

FIND_S = 10  # seconds to find the spot before each muscle
BUDGET_TOLERANCE = 0.10
ALWAYS_OWNED = frozenset({"hands"})
# "gentle": lighter and shorter. Holds at the low end of the usual range (30 s; RCT 2007,
# Travell & Simons), at most two repetitions, and two thirds of the time.
GENTLE_HOLD_S = {"sustained-pressure": 30, "short-strokes": 30, "rolling": 45}
GENTLE_REPS = 2
GENTLE_BUDGET = 2 / 3
# Time follows pain up to 6/10; from 7 the safety gates apply instead (more pain does not
# mean more pressure).
TIME_PAIN_MAX = 6
PRESSING = frozenset(HOLD_RANGE_S)
TWO_SESSIONS = ("Two short sessions beat one long one: if you want more, do this routine "
                "again later today rather than holding longer.")


class _Option:
    """A target with the method the person can use today (None: its stretch only), and the
    limits this person's safety, history and the library put on its dose.

    Its doses depend only on these fields, and the builder asks for them many times while
    it shares out the time: they are worked out once, when the option is made (an option
    lives for one build, so nothing is kept across profiles or histories). Never changed
    once made. A plain class, not a frozen dataclass: making the dataclass (it compiles its
    methods) cost the app's start about 4M instructions, and options are never compared.
    """

    __slots__ = ("target", "method", "habit_score", "use_stretch", "hold_cap", "reps_cap",
                 "session_cap", "why", "cautions", "preferred", "last_done",
                 # worked out from the fields above, in __init__:
                 "sides", "hold_ranges", "min_dose", "default_dose", "max_dose", "least_s",
                 "default_s", "most_s")

    def __init__(self, target: Target, method: Method | None, habit_score: float,
                 use_stretch: bool, hold_cap: int = 0, reps_cap: int = 0,
                 session_cap: int = 0, why: tuple[str, ...] = (),
                 cautions: tuple[str, ...] = (), preferred: bool = False,
                 last_done: date = date.min):
        init = object.__setattr__  # every field is set once, here (see __setattr__)
        init(self, "target", target)
        init(self, "method", method)
        init(self, "habit_score", habit_score)
        init(self, "use_stretch", use_stretch)
        init(self, "hold_cap", hold_cap)
        init(self, "reps_cap", reps_cap)
        init(self, "session_cap", session_cap)
        init(self, "why", why)
        init(self, "cautions", cautions)
        init(self, "preferred", preferred)
        init(self, "last_done", last_done)

        init(self, "sides", 2 if target.bilateral else 1)  # 2 for left and right
        # The allowed hold (low, high) for each repetition count that fits, fewest first:
        # within the technique's range, the hold cap, the session cap shared among the
        # repetitions and the most pressure time on one point.
        ranges: dict[int, tuple[int, int]] = {}
        if method is not None:
            low, high = HOLD_RANGE_S[method.technique]
            high = min(high, hold_cap)
            for reps in range(1, reps_cap + 1):
                longest = min(high, session_cap // reps, MAX_SECONDS_PER_POINT // reps)
                if longest >= low:
                    ranges[reps] = (low, longest)
        init(self, "hold_ranges", ranges)
        init(self, "default_dose", _default_dose(self))
        init(self, "min_dose", _min_dose(self))
        init(self, "max_dose", _max_dose(self))
        init(self, "least_s", self.sides * self.min_dose.per_side_s)  # both sides, smallest
        init(self, "default_s", self.sides * self.default_dose.per_side_s)
        init(self, "most_s", self.sides * self.max_dose.per_side_s)  # both sides, at its caps

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"an option is not changed once made (tried to set {name})")

    @property
    def stretch_only(self) -> bool:
        return self.method is None

    @property
    def release_s(self) -> int:
        return 0 if self.method is None else self.method.release_s


class _Dose(NamedTuple):
    hold_s: int
    release_s: int
    reps: int
    stretch_hold_s: int
    stretch_reps: int

    @property
    def per_side_s(self) -> int:
        return FIND_S + self.reps * (self.hold_s + self.release_s) + (
            self.stretch_hold_s * self.stretch_reps)


def build_routine(
    profile: Profile,
    day: date,
    history: History,
    catalog: Catalog,
    budget_s: int | None = None,
) -> Routine:
    budget = profile.minutes * 60 if budget_s is None else budget_s
    gate = safety.assess(profile, catalog, history, day)
    if gate.level == "see-clinician":
        return Routine(day=day, minutes=round(budget / 60), steps=(),
                       notes=(gate.clinician,), safety_level=gate.level,
                       safety_reasons=gate.reasons)
    notes: list[str] = []
    minutes = round(budget / 60)  # what the person asked for; gentle uses less of it
    if gate.gentle_everywhere:
        budget = int(budget * GENTLE_BUDGET)
    options_by_area = _candidates(profile, catalog, history, day, gate, notes)
    pain = {area: float(history.pain.get(area, 0.0)) for area in options_by_area}
    time_pain = {area: min(value, TIME_PAIN_MAX) for area, value in pain.items()}
    order = sorted(options_by_area, key=lambda area: -pain[area])  # stable: profile order on ties

    today_areas = _areas_for_today(order, options_by_area, time_pain, budget, day, catalog,
                                   notes)
    pools = _share_muscles(today_areas, options_by_area)
    seconds = _share_time(today_areas, pools, time_pain, budget)

    chosen = {area: _rotate(pools[area], seconds[area]) for area in today_areas}
    doses = {area: _dose_area(chosen[area], seconds[area]) for area in today_areas}
    _use_spare_time(today_areas, chosen, doses, time_pain, budget)
    steps: list[Step] = []
    for area in today_areas:
        steps.extend(_steps_for(area, chosen[area], doses[area], profile, history, catalog))
    steps = _keep_pain_order(steps, today_areas, time_pain)

    total = sum(step.seconds for step in steps)
    if steps and total < budget * (1 - BUDGET_TOLERANCE):
        notes.append(f"Today's routine is about {round(total / 60)} of your "
                     f"{minutes} minutes: that is what your areas can take gently. "
                     + TWO_SESSIONS)
    if gate.gentle_everywhere and steps:
        notes.append("Gentle today: lighter holds and about two thirds of your time.")
    if gate.clinician:
        notes.insert(0, gate.clinician)
    return Routine(day=day, minutes=minutes, steps=tuple(steps), notes=tuple(notes),
                   safety_level=gate.level, safety_reasons=gate.reasons)


def _area_s(options: list[_Option], doses: list[_Dose]) -> int:
    return sum(option.sides * dose.per_side_s
               for option, dose in zip(options, doses, strict=True))


def _use_spare_time(areas: list[str], chosen: dict, doses: dict, pain: dict,
                    budget: float) -> None:
    """An area whose muscles could not use all of its share (their caps, a stretch-only
    entry) leaves time over: the other areas' chosen muscles take it, most painful first,
    each only within its own caps, never past the budget's tolerance, and never more than
    a more painful area has."""
    limit = budget * (1 + BUDGET_TOLERANCE)
    maxima = {area: _area_max_s(chosen[area]) for area in areas}
    above = {area: [other for other in areas if pain[other] > pain[area]] for area in areas}
    now = {area: _area_s(chosen[area], doses[area]) for area in areas}  # kept with doses
    for area in areas:  # most painful first
        total = sum(now.values())
        spare = budget - total
        if spare < 2:
            break
        before = now[area]
        ceiling = _pain_ceiling(above[area], now, maxima, default=before + spare)
        grown = _dose_area(chosen[area], min(before + spare, ceiling))
        after = _area_s(chosen[area], grown)
        if before < after <= ceiling and total - before + after <= limit:
            doses[area], now[area] = grown, after
    # Doses come in whole holds and reps, so an area can round above a more painful one
    # that still had room: bring it back down to that area's time.
    for area in areas:
        ceiling = _pain_ceiling(above[area], now, maxima, default=now[area])
        if now[area] > ceiling:
            lower = _dose_area(chosen[area], ceiling)
            lower_s = _area_s(chosen[area], lower)
            if lower_s <= ceiling:
                doses[area], now[area] = lower, lower_s


def _pain_ceiling(more_painful: list[str], seconds: dict, maxima: dict,
                  default: float) -> float:
    """The least time any more painful area has, leaving out areas already at their caps
    (`maxima`: each area's most; they cannot have more, so they do not hold others back)."""
    return min((seconds[other] for other in more_painful if seconds[other] < maxima[other] - 2),
               default=default)


def capacity_s(profile: Profile, catalog: Catalog, history: History,
               day: date = date(2000, 1, 1)) -> int:
    """The most time the chosen areas' usable muscles can take in one routine within their
    caps, when no area gets more time than a more painful one; a budget above this cannot
    be filled honestly."""
    gate = safety.assess(profile, catalog, history, day)
    if gate.level == "see-clinician":
        return 0
    options_by_area = _candidates(profile, catalog, history, day, gate, [])
    pain = {area: min(float(history.pain.get(area, 0.0)), TIME_PAIN_MAX)
            for area in options_by_area}
    pools = _share_muscles(sorted(options_by_area, key=lambda area: -pain[area]),
                           options_by_area)
    most = {area: _area_max_s(options) for area, options in pools.items()}
    return sum(
        min([most[area]] + [most[other] for other in most if pain[other] > pain[area]])
        for area in most
    )


# --- 1. candidates -------------------------------------------------------------------------

def _candidates(profile: Profile, catalog: Catalog, history: History, day: date,
                gate: safety.SafetyAssessment, notes: list[str]) -> dict[str, list[_Option]]:
    owned = set(profile.tools) | ALWAYS_OWNED
    cautions = set(profile.cautions)
    avoided = set(gate.avoided_areas)
    loads = [catalog.habits[habit].loads for habit in profile.habits if habit in catalog.habits]
    serving: dict[str, list[Target]] = {}  # area -> the targets working on it, library order
    for target in catalog.targets.values():
        if target.kind != "movement":
            for each in dict.fromkeys(target.areas):
                serving.setdefault(each, []).append(target)
    known: dict[tuple[str, str | None], _Option | None] = {}
    dropped: list[str] = []
    options_by_area: dict[str, list[_Option]] = {}
    for area in dict.fromkeys(profile.areas):
        if area not in catalog.areas:
            notes.append(f"{area!r} is not in the routine library any more; it was left out.")
            continue
        label = catalog.areas[area].label
        if area in avoided:
            notes.append(f"{label} is left out: you asked coach not to work there "
                         "(an injury, surgery, an implant, a wound or a possible clot).")
            continue
        options = []
        ruled_out = 0
        for target in serving.get(area, ()):
            if not cautions.isdisjoint(target.avoid_if) or not avoided.isdisjoint(target.areas):
                ruled_out += 1
                continue
            record = history.response.get(target.id)
            if record is not None and response.dropped(record):
                dropped.append(f"{target.name} is left out: your pain rose after it in "
                               f"{sum(1 for c in record.changes[-4:] if c >= 1)} of your "
                               f"last {len(record.changes[-4:])} sessions.")
                continue
            # A muscle serving several areas gets the same option in each, unless one of
            # them is still sore (the only way the area changes it): worked out once.
            key = (target.id, history.sore.get(area))
            if key not in known:
                score = sum(load.get(target.id, 0.0) for load in loads)
                known[key] = _option(target, area, owned, score, profile, history, day, gate)
            option = known[key]
            if option is not None:
                options.append(option)
        if options:
            # Rotate by what was done last (the least recently done first), a muscle that
            # helps this person first within its area, then by how much the habits load it.
            options.sort(key=lambda option: (not option.preferred, option.last_done,
                                             -option.habit_score, option.target.id))
            options_by_area[area] = options
        elif ruled_out:
            notes.append(f"{label}: your health cautions rule out pressing there; "
                         "ask a clinician before working on it.")
        else:
            where = " seated at a desk" if profile.desk_only else ""
            notes.append(f"{label}: nothing in the library works on it{where} with your tools "
                         "and your safety answers today; add a tool in your profile.")
    notes.extend(dict.fromkeys(dropped))
    return options_by_area


def _option(target: Target, area: str, owned: set[str], score: float, profile: Profile,
            history: History, day: date, gate: safety.SafetyAssessment) -> _Option | None:
    stretch = target.stretch
    use_stretch = stretch is not None and (not profile.desk_only or stretch.position == "seated")
    record = history.response.get(target.id)
    last_done = history.last_done.get(target.id, date.min)
    cautions = tuple(target.cautions) + gate.step_cautions
    if gate.calf_cautions and "calves" in target.areas:
        cautions += gate.calf_cautions
    why: list[str] = []
    levels = {gate.area_levels.get(each) for each in target.areas}

    stretch_why = None  # why this muscle gets only its stretch today
    if target.kind == "stretch":
        stretch_why = "a stretch, no pressure"
    elif "stretch-only" in levels:
        touched = next(each for each in target.areas
                       if gate.area_levels.get(each) == "stretch-only")
        stretch_why = gate.area_reasons[touched]
    elif not gate.no_pressure_areas.isdisjoint(target.areas):
        stretch_why = "a stretch only: no pressure on your low back or belly in pregnancy"
    elif last_done == day - timedelta(days=1):
        stretch_why = "rested: you pressed it yesterday, so only its stretch today"
    elif record is not None and response.resting(record, day):
        stretch_why = f"resting it for a few days: {response.worse_text(record)}"

    method = None
    if stretch_why is None:
        method = _usable_method(target, owned, profile.desk_only, gate, record)
        if method is None:
            if not use_stretch:
                return None
            stretch_why = "a stretch only: no pressing method fits your tools and safety answers"
    if method is not None:
        technique = method.technique
        low = HOLD_RANGE_S[technique][0]
        hold_cap, reps_cap, session_cap = method.max_hold_s, method.max_reps, method.max_session_s
        gentle_why = None
        if "gentle" in levels:
            touched = next(each for each in target.areas if gate.area_levels.get(each) == "gentle")
            gentle_why = gate.area_reasons[touched]
        elif history.sore.get(area):
            gentle_why = ("lighter: you were still sore a lot after your last session"
                          if history.sore[area] == "a-lot" else
                          "lighter: your soreness lasted more than two days last time")
        elif gate.gentle_everywhere:
            gentle_why = "gentle today"
        if gentle_why:
            hold_cap = min(hold_cap, GENTLE_HOLD_S[technique])
            reps_cap = min(reps_cap, GENTLE_REPS)
            why.append(gentle_why)
        if gate.max_hold_s is not None:
            hold_cap = min(hold_cap, gate.max_hold_s)
        if not history.done_count.get(target.id):
            hold_cap, reps_cap = min(hold_cap, low), 1
            why.append("first time: the low end of its range")
        if record is not None and response.made_worse(record):
            previous = history.last_dose_s.get(target.id, low)
            session_cap = min(session_cap, previous // 2)
            why.append(f"half your last dose: {response.worse_text(record)}")
        if min(hold_cap, session_cap, MAX_SECONDS_PER_POINT) < low:
            if not use_stretch:
                return None
            method, why = None, []
            stretch_why = "a stretch only today: a dose this small cannot be pressed"
        elif record is not None and response.helps(record):
            why.append(response.helped_text(record))
    if method is None:
        if not use_stretch:
            return None
        why.append(stretch_why)
        return _Option(target, None, score, True, why=tuple(why),
                       cautions=tuple(target.cautions), last_done=last_done)
    return _Option(target, method, score, use_stretch, hold_cap, reps_cap, session_cap,
                   tuple(why), cautions, record is not None and response.helps(record),
                   last_done)


def _usable_method(target: Target, owned: set[str], desk_only: bool,
                   gate: safety.SafetyAssessment, record) -> Method | None:
    usable = [
        method for method in target.methods  # the library lists the preferred method first
        if owned.issuperset(method.tools) and (not desk_only or method.position == "seated")
        and not (gate.no_lying_on_back and method.lying_on_back)
        and not (gate.hands_only and (set(method.tools) != {"hands"} or method.body_weight
                                      or method.pressure == "firm"))
    ]
    if not usable:
        return None
    best = response.best_technique(record, [method.technique for method in usable])
    return next((method for method in usable if method.technique == best), usable[0])


# --- 2. which areas today ------------------------------------------------------------------

def _area_min_s(options: list[_Option]) -> int:
    return min(option.least_s for option in options)


def _area_max_s(options: list[_Option]) -> int:
    return sum(option.most_s for option in options)


def _areas_for_today(order, options_by_area, pain, budget, day, catalog, notes) -> list[str]:
    """All areas if they fit; else the most painful daily and the rest every other day."""
    limit = budget * (1 + BUDGET_TOLERANCE)
    rank = {area: index for index, area in enumerate(order)}

    def fits(areas) -> bool:
        areas = sorted(areas, key=rank.__getitem__)
        pools = _share_muscles(areas, options_by_area)
        minimum = {area: _area_min_s(pools[area]) for area in areas}
        # A more painful area never gets less time than a less painful one, so its
        # least time is the largest minimum among the less painful areas too.
        total, floor = 0, 0
        for level in sorted({pain[area] for area in areas}):
            group = [max(minimum[area], floor) for area in areas if pain[area] == level]
            total += sum(group)
            floor = max(floor, *group)
        return total <= limit

    if fits(order):
        return list(order)
    parity = day.toordinal() % 2
    for fixed_count in range(len(order) - 1, -1, -1):
        fixed, rest = order[:fixed_count], order[fixed_count:]
        groups = (rest[0::2], rest[1::2])
        if fits(fixed + groups[0]) and fits(fixed + groups[1]):
            today = set(fixed + groups[parity])
            later = [catalog.areas[area].label.lower() for area in groups[1 - parity]]
            if later:
                notes.append(f"Tomorrow: {', '.join(later)}. There is not time for every area "
                             "each day, so they take turns.")
            return [area for area in order if area in today]
    # Not even alternate days cover every area: rotate through them in pain order.
    start = (day.toordinal() // 2) % len(order)
    today: list[str] = []
    for area in order[start:] + order[:start]:
        if fits(today + [area]):
            today.append(area)
    notes.append("There is not time to cover every area within two days; "
                 "a longer routine or fewer areas will.")
    return [area for area in order if area in today]


def _share_muscles(areas: list[str], options_by_area) -> dict[str, list[_Option]]:
    """A muscle serving several chosen areas belongs to the most painful of them, so it is
    done once; an area left with nothing of its own keeps its shared muscles."""
    owner: dict[str, str] = {}
    for area in areas:  # most painful first
        for option in options_by_area[area]:
            owner.setdefault(option.target.id, area)
    # How many muscles each area owns (a muscle appears once in an area's options).
    owned = dict.fromkeys(areas, 0)
    for area in owner.values():
        owned[area] += 1

    for area in areas:
        if owned[area]:
            continue
        # Take the cheapest muscle from an area that has others to spare.
        spare = [option for option in options_by_area[area]
                 if owned[owner[option.target.id]] > 1]
        if spare:
            cheapest = min(spare, key=lambda option: option.least_s)
            owned[owner[cheapest.target.id]] -= 1
            owner[cheapest.target.id] = area
            owned[area] += 1
    return {area: [option for option in options_by_area[area]
                   if owner[option.target.id] == area] or options_by_area[area]
            for area in areas}


# --- 3. time per area ----------------------------------------------------------------------

def _share_time(areas, options_by_area, pain, budget) -> dict[str, float]:
    """Seconds per area: proportional to 1 + pain, within each area's min and max, and
    never less for a more painful area than for a less painful one."""
    if not areas:
        return {}
    # Lists by position in `areas` (the sums keep that order); `by_pain` holds positions.
    low = [_area_min_s(options_by_area[area]) for area in areas]
    high = [max(least, _area_max_s(options_by_area[area]))
            for least, area in zip(low, areas, strict=True)]
    weight = [1 + pain[area] for area in areas]
    by_pain = sorted(range(len(areas)), key=lambda index: pain[areas[index]])
    # rises[k]: the area at by_pain[k] hurts more than the one before it.
    rises = [rank > 0 and pain[areas[at]] > pain[areas[by_pain[rank - 1]]]
             for rank, at in enumerate(by_pain)]
    # The bisection below runs allocation() 41 times, so it walks this list once per pass
    # and uses plain comparisons, which pick the same values min() and max() would (the
    # first argument on a tie).
    ranked = [(at, low[at], high[at], weight[at], rises[rank],
               rank + 1 < len(by_pain) and rises[rank + 1])
              for rank, at in enumerate(by_pain)]
    from_top = ranked[::-1]

    def allocation(scale: float) -> list[float]:
        seconds = [0.0] * len(areas)
        # Each area's share within its min and max; then raise it to at least every less
        # painful one (within its own maximum)...
        floor = most_below = 0.0
        for at, least, most, share, more_than_below, _ in ranked:
            value = scale * share
            value = value if value > least else least
            value = value if value < most else most
            if more_than_below:
                floor = most_below
            value = floor if floor > value else value
            value = value if value < most else most
            seconds[at] = value
            if value > most_below:
                most_below = value
        # ...and cap each area at every more painful one (when that one hit its maximum).
        ceiling = least_above = float("inf")
        for at, least, _, _, _, less_than_above in from_top:
            if less_than_above:
                ceiling = least_above
            value = seconds[at]
            value = ceiling if ceiling < value else value
            value = value if value > least else least
            seconds[at] = value
            if value < least_above:
                least_above = value
        return seconds

    lower, upper = 0.0, float(budget) + 1.0
    for _ in range(40):  # to well under a second
        middle = (lower + upper) / 2
        if sum(allocation(middle)) > budget:
            upper = middle
        else:
            lower = middle
    return dict(zip(areas, allocation(lower), strict=True))


# --- 4. muscles per area -------------------------------------------------------------------

def _rotate(options: list[_Option], area_s: float) -> list[_Option]:
    """The muscles for today: the first of the list (least recently done first) that fit."""
    fitting = [option for option in options if option.least_s <= area_s]
    if not fitting:  # the area got its minimum: the cheapest muscle
        return [min(options, key=lambda option: option.least_s)]
    chosen: list[_Option] = []
    least_total = default_total = most_total = 0
    for option in fitting:
        # Another muscle while the ones chosen would need more than their usual dose (or
        # more than their caps allow), and while every chosen muscle can still get at least
        # its smallest dose.
        if chosen and ((default_total >= area_s * 0.85 and most_total >= area_s)
                       or least_total + option.least_s > area_s):
            break
        chosen.append(option)
        least_total += option.least_s
        default_total += option.default_s
        most_total += option.most_s
    return chosen


# --- 5. dosage -----------------------------------------------------------------------------

def _stretch_default(option: _Option) -> tuple[int, int]:
    stretch = option.target.stretch if option.use_stretch else None
    return (stretch.hold_s, stretch.reps) if stretch else (0, 0)


def _default_dose(option: _Option) -> _Dose:
    stretch_hold, stretch_reps = _stretch_default(option)
    method = option.method
    if method is None:
        return _Dose(0, 0, 0, stretch_hold, stretch_reps)
    usual_reps = max(1, method.reps)
    reps = max(count for count in option.hold_ranges if count <= usual_reps)
    low, high = option.hold_ranges[reps]
    return _Dose(min(high, max(low, method.hold_s)), method.release_s, reps,
                 stretch_hold, stretch_reps)


def _min_dose(option: _Option) -> _Dose:
    has_stretch = option.use_stretch
    stretch = (STRETCH_HOLD_RANGE_S[0] if has_stretch else 0, 1 if has_stretch else 0)
    if option.stretch_only:
        return _Dose(0, 0, 0, *stretch)
    return _Dose(option.hold_ranges[1][0], option.release_s, 1, *stretch)


def _max_dose(option: _Option) -> _Dose:
    default = option.default_dose
    if option.stretch_only:
        # A stretch on its own may be repeated up to the reps range (e.g. ear to shoulder,
        # 30 s x 2-3: DOMAIN.md 2), at the library's own hold, never longer.
        reps = STRETCH_REPS_RANGE[1] if default.stretch_reps else 0
        return _Dose(0, 0, 0, default.stretch_hold_s, reps)
    ranges = option.hold_ranges
    reps = max(ranges, key=lambda count: count * ranges[count][1])
    return _Dose(ranges[reps][1], option.release_s, reps,
                 default.stretch_hold_s, default.stretch_reps)


def _fit(option: _Option, per_side_s: float) -> _Dose:
    """The dose whose length per side is closest to per_side_s, inside the allowed ranges."""
    default = option.default_dose
    release = default.release_s
    lowest, highest = option.min_dose, option.max_dose
    if per_side_s <= lowest.per_side_s:
        return lowest
    if per_side_s >= highest.per_side_s:
        return highest
    if option.stretch_only:
        best = lowest
        for reps in range(1, highest.stretch_reps + 1):
            hold = int(min(default.stretch_hold_s,
                           max(STRETCH_HOLD_RANGE_S[0], (per_side_s - FIND_S) // reps)))
            candidate = _Dose(0, 0, 0, hold, reps)
            if candidate.per_side_s <= per_side_s and candidate.per_side_s > best.per_side_s:
                best = candidate
        return best
    stretch_hold, stretch_reps = default.stretch_hold_s, default.stretch_reps
    work = per_side_s - FIND_S - stretch_hold * stretch_reps
    ranges = option.hold_ranges
    if work < ranges[1][0] + release:  # short on time: keep one short stretch
        stretch_reps = 1 if stretch_reps else 0
        spare = per_side_s - FIND_S - ranges[1][0] - release
        stretch_hold = int(max(STRETCH_HOLD_RANGE_S[0], min(default.stretch_hold_s, spare))
                           ) if stretch_reps else 0
        work = per_side_s - FIND_S - stretch_hold * stretch_reps
    best: _Dose | None = None
    for reps in sorted(ranges, key=lambda count: (abs(count - default.reps), count)):
        low, high = ranges[reps]
        hold = round(work / reps) - release
        candidate = _Dose(min(high, max(low, hold)), release, reps, stretch_hold, stretch_reps)
        if low <= hold <= high:
            return candidate
        if best is None or (abs(candidate.per_side_s - per_side_s)
                            < abs(best.per_side_s - per_side_s)):
            best = candidate
    return best


def _dose_area(chosen: list[_Option], area_s: float) -> list[_Dose]:
    """Share the area's seconds among its muscles (more to those the habits load most)."""
    weights = [1.0 + option.habit_score for option in chosen]
    total_weight = sum(weights)
    doses = [_fit(option, area_s * weight / total_weight / option.sides)
             for option, weight in zip(chosen, weights, strict=True)]
    taken = [option.sides * dose.per_side_s for option, dose in zip(chosen, doses, strict=True)]
    # Whatever a muscle could not take (it hit a range limit) goes to the others.
    for _ in range(2):
        missing = area_s - sum(taken)
        if abs(missing) < 2:
            break
        for index, option in enumerate(chosen):
            doses[index] = _fit(option, (taken[index] + missing) / option.sides)
            taken[index] = option.sides * doses[index].per_side_s
            missing = area_s - sum(taken)
            if abs(missing) < 2:
                break
    return doses


# --- steps and reasons ---------------------------------------------------------------------

def _steps_for(area, chosen, doses, profile, history, catalog) -> list[Step]:
    steps = []
    for option, dose in zip(chosen, doses, strict=True):
        target, method = option.target, option.method
        stretch = None
        if option.use_stretch and dose.stretch_reps:
            stretch = Stretch(target.stretch.name, target.stretch.how,
                              dose.stretch_hold_s, dose.stretch_reps)
        reason = _reason(target, area, profile, history, catalog)
        if option.why:
            reason += "; " + "; ".join(option.why)
        if method is None:
            fields = dict(tool="hands", tools=(), position=target.stretch.position,
                          technique=STRETCH_ONLY, how=target.stretch.how)
        else:
            fields = dict(tool=method.tool, tools=method.tools, position=method.position,
                          technique=method.technique, how=method.how)
        for side in (("left", "right") if target.bilateral else ("both",)):
            steps.append(Step(
                muscle=target.id, muscle_name=target.name, area=area, side=side,
                find=target.find, find_s=FIND_S, hold_s=dose.hold_s,
                release_s=dose.release_s, reps=dose.reps, stretch=stretch, reason=reason,
                cautions=option.cautions, **fields,
            ))
    return steps


def _reason(target, area, profile, history, catalog) -> str:
    your_area = catalog.areas[area].your
    refers = f"it refers pain to {target.refers}"
    if area in history.pain:
        return (f"{target.name.lower()}: {your_area} averaged "
                f"{_pain_text(history.pain[area])}/10 in the last 7 days, and {refers}")
    loading = [catalog.habits[habit] for habit in profile.habits
               if habit in catalog.habits and target.id in catalog.habits[habit].loads]
    if loading:
        habit = max(loading, key=lambda habit: habit.loads[target.id])
        return f"{target.name.lower()}: {habit.label.lower()} loads it, and {refers}"
    return f"{target.name.lower()}: it works on {your_area}, and {refers}"


def _pain_text(value: float) -> str:
    return str(round(value)) if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _keep_pain_order(steps: list[Step], areas: list[str], pain: dict[str, float]) -> list[Step]:
    """Rounding can leave a less painful area a few seconds longer than a more painful one;
    trim the less painful area's longest hold until the order holds."""
    by_area: dict[str, list[Step]] = {area: [] for area in areas}
    for step in steps:
        by_area[step.area].append(step)
    seconds = {area: sum(step.seconds for step in by_area[area]) for area in areas}
    pairs = [(high, low) for high in areas for low in areas if pain[high] > pain[low]]
    stuck: set[tuple[str, str]] = set()  # pairs trimming cannot mend: the next pair's turn
    for _ in range(len(areas) ** 2 * 4):
        broken = next(((high, low) for high, low in pairs
                       if seconds[high] < seconds[low] and (high, low) not in stuck), None)
        if broken is None:
            break
        high, low = broken
        excess = seconds[low] - seconds[high]
        by_area[low] = _trim(by_area[low], excess)
        trimmed = sum(step.seconds for step in by_area[low])
        if trimmed == seconds[low]:
            stuck.add(broken)
        seconds[low] = trimmed
    return [step for area in areas for step in by_area[area]]


def _trim(steps: list[Step], excess: int) -> list[Step]:
    """Shorten holds (the same on both sides of a muscle) by at least `excess` seconds."""
    steps = list(steps)  # the caller's list is left as it was
    places: dict[str, list[int]] = {}  # muscle -> where its steps are
    for index, step in enumerate(steps):
        places.setdefault(step.muscle, []).append(index)
    muscles = list(dict.fromkeys(step.muscle for step in steps
                                 if step.technique in PRESSING))
    longest = {muscle: max(steps[index].hold_s for index in places[muscle]) for muscle in muscles}
    for muscle in sorted(muscles, key=lambda m: -longest[m]):
        group = places[muscle]
        sample = steps[group[0]]
        low = HOLD_RANGE_S[sample.technique][0]
        per_side = -(-excess // len(group))  # ceiling division
        cut = min(sample.hold_s - low, -(-per_side // sample.reps))
        if cut <= 0:
            continue
        for index in group:
            steps[index] = steps[index]._replace(hold_s=steps[index].hold_s - cut)
        excess -= cut * sample.reps * len(group)
        if excess <= 0:
            break
    if excess > 0:  # holds at their low end already (a first time): shorten the stretches
        for muscle in list(dict.fromkeys(step.muscle for step in steps if step.stretch)):
            group = [step for step in steps if step.muscle == muscle]
            stretch = group[0].stretch
            per_side = -(-excess // len(group))
            cut = min(stretch.hold_s - STRETCH_HOLD_RANGE_S[0], -(-per_side // stretch.reps))
            if cut <= 0:
                continue
            shorter = stretch._replace(hold_s=stretch.hold_s - cut)
            steps = [step._replace(stretch=shorter) if step.muscle == muscle else step
                     for step in steps]
            excess -= cut * stretch.reps * len(group)
            if excess <= 0:
                break
    if excess > 0:  # still over: the pressing steps go without their stretch
        for muscle in list(dict.fromkeys(step.muscle for step in steps
                                         if step.stretch and step.technique in PRESSING)):
            group = [step for step in steps if step.muscle == muscle]
            excess -= sum(step.stretch.hold_s * step.stretch.reps for step in group)
            steps = [step._replace(stretch=None) if step.muscle == muscle else step
                     for step in steps]
            if excess <= 0:
                break
    return steps
