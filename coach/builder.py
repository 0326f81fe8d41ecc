"""Builds today's routine from the profile, the date, recent history and the library.

Pure: no I/O, no clock reads. The same inputs always give the same routine.

How it decides, in order:
1. Candidates: for each chosen area, the targets that serve it, are not ruled out by the
   person's cautions, and have a method using only tools they own (seated only when
   desk-only).
2. Areas for today: all of them when the budget allows; otherwise the most painful
   every day and the rest on alternate days, so every area comes up within two days.
3. Time per area: shared in proportion to 1 + recent pain, never less for an area that
   hurts more, within what the area's muscles can take.
4. Muscles per area: ranked by how much the person's habits load them and rotated by
   the date, so consecutive days differ where the library allows.
5. Dosage: holds, repetitions and stretches tuned inside the DOMAIN.md ranges to fill
   the area's time; a bilateral muscle gets the same dose left then right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach.catalog import (
    GENTLE_HOLD_MAX_S,
    HOLD_RANGE_S,
    MAX_SECONDS_PER_POINT,
    REPS_RANGE,
    STRETCH_HOLD_RANGE_S,
    Catalog,
    Method,
    Target,
)
from coach.model import History, Profile, Routine, Step, Stretch

FIND_S = 10  # seconds to find the spot before each muscle
BUDGET_TOLERANCE = 0.10
ALWAYS_OWNED = frozenset({"hands"})


@dataclass(frozen=True)
class _Option:
    """A target with the method the person can use today."""

    target: Target
    method: Method
    habit_score: float
    use_stretch: bool

    @property
    def sides(self) -> int:
        return 2 if self.target.bilateral else 1

    def hold_range(self, reps: int) -> tuple[int, int]:
        low, high = HOLD_RANGE_S[self.method.technique]
        gentle = max(self.method.hold_s, GENTLE_HOLD_MAX_S[self.method.technique])
        return low, min(high, gentle, MAX_SECONDS_PER_POINT // reps)


@dataclass(frozen=True)
class _Dose:
    hold_s: int
    release_s: int
    reps: int
    stretch_hold_s: int
    stretch_reps: int

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
    notes: list[str] = []
    options_by_area = _candidates(profile, catalog, notes)
    pain = {area: float(history.pain.get(area, 0.0)) for area in options_by_area}
    order = sorted(options_by_area, key=lambda area: -pain[area])  # stable: profile order on ties

    today_areas = _areas_for_today(order, options_by_area, pain, budget, day, catalog, notes)
    pools = _share_muscles(today_areas, options_by_area)
    seconds = _share_time(today_areas, pools, pain, budget)

    steps: list[Step] = []
    for area in today_areas:
        chosen = _rotate(pools[area], day, seconds[area])
        doses = _dose_area(chosen, seconds[area])
        steps.extend(_steps_for(area, chosen, doses, profile, history, catalog))
    steps = _keep_pain_order(steps, today_areas, pain)

    total = sum(step.seconds for step in steps)
    if steps and total < budget * (1 - BUDGET_TOLERANCE):
        notes.append(f"Your areas and tools fill about {round(total / 60)} of your "
                     f"{round(budget / 60)} minutes today; add an area or a tool for more.")
    return Routine(day=day, minutes=round(budget / 60), steps=tuple(steps), notes=tuple(notes))


def capacity_s(profile: Profile, catalog: Catalog, history: History) -> int:
    """The most time the chosen areas' usable muscles can take in one routine at a gentle
    full dose, when no area gets more time than a more painful one; a budget above this
    cannot be filled honestly."""
    options_by_area = _candidates(profile, catalog, [])
    pain = {area: float(history.pain.get(area, 0.0)) for area in options_by_area}
    pools = _share_muscles(sorted(options_by_area, key=lambda area: -pain[area]),
                           options_by_area)
    most = {area: _area_max_s(options) for area, options in pools.items()}
    return sum(
        min([most[area]] + [most[other] for other in most if pain[other] > pain[area]])
        for area in most
    )


# --- 1. candidates -------------------------------------------------------------------------

def _candidates(profile: Profile, catalog: Catalog, notes: list[str]) -> dict[str, list[_Option]]:
    owned = set(profile.tools) | ALWAYS_OWNED
    cautions = set(profile.cautions)
    options_by_area: dict[str, list[_Option]] = {}
    for area in dict.fromkeys(profile.areas):
        if area not in catalog.areas:
            notes.append(f"{area!r} is not in the routine library any more; it was left out.")
            continue
        options = []
        ruled_out = 0
        for target in catalog.targets.values():
            if area not in target.areas:
                continue
            method = _usable_method(target, owned, profile.desk_only)
            if method is None:
                continue
            if cautions & set(target.avoid_if):
                ruled_out += 1
                continue
            stretch = target.stretch
            use_stretch = stretch is not None and (
                not profile.desk_only or stretch.position == "seated")
            score = sum(catalog.habits[habit].loads.get(target.id, 0.0)
                        for habit in profile.habits if habit in catalog.habits)
            options.append(_Option(target, method, score, use_stretch))
        label = catalog.areas[area].label
        if options:
            options.sort(key=lambda option: (-option.habit_score, option.target.id))
            options_by_area[area] = options
        elif ruled_out:
            notes.append(f"{label}: your health cautions rule out pressing there; "
                         "ask a clinician before working on it.")
        else:
            where = " seated at a desk" if profile.desk_only else ""
            notes.append(f"{label}: nothing in the library works on it{where} with your tools; "
                         "add a tool in your profile.")
    return options_by_area


def _usable_method(target: Target, owned: set[str], desk_only: bool) -> Method | None:
    for method in target.methods:  # the library lists the preferred method first
        if set(method.tools) <= owned and (not desk_only or method.position == "seated"):
            return method
    return None


# --- 2. which areas today ------------------------------------------------------------------

def _area_min_s(options: list[_Option]) -> int:
    return min(option.sides * _min_dose(option).per_side_s() for option in options)


def _area_max_s(options: list[_Option]) -> int:
    return sum(option.sides * _max_dose(option).per_side_s() for option in options)


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

    def own(area: str) -> list[_Option]:
        return [option for option in options_by_area[area] if owner[option.target.id] == area]

    for area in areas:
        if own(area):
            continue
        # Take the cheapest muscle from an area that has others to spare.
        spare = [option for option in options_by_area[area]
                 if len(own(owner[option.target.id])) > 1]
        if spare:
            cheapest = min(spare, key=lambda option: option.sides * _min_dose(option).per_side_s())
            owner[cheapest.target.id] = area
    return {area: own(area) or options_by_area[area] for area in areas}


# --- 3. time per area ----------------------------------------------------------------------

def _share_time(areas, options_by_area, pain, budget) -> dict[str, float]:
    """Seconds per area: proportional to 1 + pain, within each area's min and max, and
    never less for a more painful area than for a less painful one."""
    if not areas:
        return {}
    low = {area: _area_min_s(options_by_area[area]) for area in areas}
    high = {area: max(low[area], _area_max_s(options_by_area[area])) for area in areas}
    by_pain = sorted(areas, key=lambda area: pain[area])

    def allocation(scale: float) -> dict[str, float]:
        seconds = {area: min(high[area], max(low[area], scale * (1 + pain[area])))
                   for area in areas}
        # Raise each area to at least every less painful one (within its own maximum)...
        floor = most_below = 0.0
        for index, area in enumerate(by_pain):
            if index and pain[area] > pain[by_pain[index - 1]]:
                floor = most_below
            seconds[area] = min(high[area], max(seconds[area], floor))
            most_below = max(most_below, seconds[area])
        # ...and cap each area at every more painful one (when that one hit its maximum).
        ceiling = least_above = float("inf")
        for index in range(len(by_pain) - 1, -1, -1):
            area = by_pain[index]
            if index < len(by_pain) - 1 and pain[area] < pain[by_pain[index + 1]]:
                ceiling = least_above
            seconds[area] = max(low[area], min(seconds[area], ceiling))
            least_above = min(least_above, seconds[area])
        return seconds

    lower, upper = 0.0, float(budget) + 1.0
    for _ in range(40):  # to well under a second
        middle = (lower + upper) / 2
        if sum(allocation(middle).values()) > budget:
            upper = middle
        else:
            lower = middle
    return allocation(lower)


# --- 4. muscles per area -------------------------------------------------------------------

def _rotate(options: list[_Option], day: date, area_s: float) -> list[_Option]:
    """The muscles for today: a window over the habit-ranked list, moved one a day."""
    start = day.toordinal() % len(options)
    rotated = options[start:] + options[:start]
    def least(option: _Option) -> int:
        return option.sides * _min_dose(option).per_side_s()

    fitting = [option for option in rotated if least(option) <= area_s]
    if not fitting:  # the area got its minimum: the cheapest muscle
        return [min(rotated, key=least)]
    chosen: list[_Option] = []
    least_total = default_total = 0
    for option in fitting:
        # Another muscle while the ones chosen would need more than their usual dose,
        # and while every chosen muscle can still get at least its smallest dose.
        if chosen and (default_total >= area_s * 0.85
                       or least_total + least(option) > area_s):
            break
        chosen.append(option)
        least_total += least(option)
        default_total += option.sides * _default_dose(option).per_side_s()
    return chosen


# --- 5. dosage -----------------------------------------------------------------------------

def _default_dose(option: _Option) -> _Dose:
    stretch = option.target.stretch if option.use_stretch else None
    return _Dose(option.method.hold_s, option.method.release_s, option.method.reps,
                 stretch.hold_s if stretch else 0, stretch.reps if stretch else 0)


def _min_dose(option: _Option) -> _Dose:
    has_stretch = option.use_stretch
    return _Dose(option.hold_range(1)[0], option.method.release_s, 1,
                 STRETCH_HOLD_RANGE_S[0] if has_stretch else 0, 1 if has_stretch else 0)


def _max_dose(option: _Option) -> _Dose:
    reps = REPS_RANGE[1]
    default = _default_dose(option)
    return _Dose(option.hold_range(reps)[1], option.method.release_s, reps,
                 default.stretch_hold_s, default.stretch_reps)


def _fit(option: _Option, per_side_s: float) -> _Dose:
    """The dose whose length per side is closest to per_side_s, inside the allowed ranges."""
    default = _default_dose(option)
    release = default.release_s
    lowest, highest = _min_dose(option), _max_dose(option)
    if per_side_s <= lowest.per_side_s():
        return lowest
    if per_side_s >= highest.per_side_s():
        return highest
    stretch_hold, stretch_reps = default.stretch_hold_s, default.stretch_reps
    work = per_side_s - FIND_S - stretch_hold * stretch_reps
    if work < option.hold_range(1)[0] + release:  # short on time: keep one short stretch
        stretch_reps = 1 if stretch_reps else 0
        spare = per_side_s - FIND_S - option.hold_range(1)[0] - release
        stretch_hold = int(max(STRETCH_HOLD_RANGE_S[0], min(default.stretch_hold_s, spare))
                           ) if stretch_reps else 0
        work = per_side_s - FIND_S - stretch_hold * stretch_reps
    best: _Dose | None = None
    for reps in sorted(range(REPS_RANGE[0], REPS_RANGE[1] + 1),
                       key=lambda count: (abs(count - default.reps), count)):
        low, high = option.hold_range(reps)
        hold = round(work / reps) - release
        candidate = _Dose(min(high, max(low, hold)), release, reps, stretch_hold, stretch_reps)
        if low <= hold <= high:
            return candidate
        if best is None or (abs(candidate.per_side_s() - per_side_s)
                            < abs(best.per_side_s() - per_side_s)):
            best = candidate
    return best


def _dose_area(chosen: list[_Option], area_s: float) -> list[_Dose]:
    """Share the area's seconds among its muscles (more to those the habits load most)."""
    weights = [1.0 + option.habit_score for option in chosen]
    doses = [_fit(option, area_s * weight / sum(weights) / option.sides)
             for option, weight in zip(chosen, weights, strict=True)]
    # Whatever a muscle could not take (it hit a range limit) goes to the others.
    for _ in range(2):
        missing = area_s - sum(option.sides * dose.per_side_s()
                               for option, dose in zip(chosen, doses, strict=True))
        if abs(missing) < 2:
            break
        for index, option in enumerate(chosen):
            current = option.sides * doses[index].per_side_s()
            doses[index] = _fit(option, (current + missing) / option.sides)
            missing = area_s - sum(opt.sides * dose.per_side_s()
                                   for opt, dose in zip(chosen, doses, strict=True))
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
        for side in (("left", "right") if target.bilateral else ("both",)):
            steps.append(Step(
                muscle=target.id, muscle_name=target.name, area=area, side=side,
                tool=method.tool, tools=method.tools, position=method.position,
                technique=method.technique, how=method.how, find=target.find,
                find_s=FIND_S, hold_s=dose.hold_s, release_s=dose.release_s, reps=dose.reps,
                stretch=stretch, reason=reason, cautions=target.cautions,
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
    by_area = {area: [step for step in steps if step.area == area] for area in areas}
    for _ in range(len(areas) * 4):
        seconds = {area: sum(step.seconds for step in by_area[area]) for area in areas}
        broken = next(((high, low) for high in areas for low in areas
                       if pain[high] > pain[low] and seconds[high] < seconds[low]), None)
        if broken is None:
            break
        high, low = broken
        excess = seconds[low] - seconds[high]
        by_area[low] = _trim(by_area[low], excess)
    return [step for area in areas for step in by_area[area]]


def _trim(steps: list[Step], excess: int) -> list[Step]:
    """Shorten holds (the same on both sides of a muscle) by at least `excess` seconds."""
    from dataclasses import replace

    muscles = list(dict.fromkeys(step.muscle for step in steps))
    for muscle in sorted(muscles, key=lambda m: -max(s.hold_s for s in steps if s.muscle == m)):
        group = [step for step in steps if step.muscle == muscle]
        sample = group[0]
        low = HOLD_RANGE_S[sample.technique][0]
        per_side = -(-excess // len(group))  # ceiling division
        cut = min(sample.hold_s - low, -(-per_side // sample.reps))
        if cut <= 0:
            continue
        steps = [replace(step, hold_s=step.hold_s - cut) if step.muscle == muscle else step
                 for step in steps]
        excess -= cut * sample.reps * len(group)
        if excess <= 0:
            break
    return steps
