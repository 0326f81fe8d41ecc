"""Loads and validates the routine library: the built-in routines/ plus the person's own files.

The library is data (TOML). Every file is checked against the schema; a broken entry
is reported with its file, entry and field and left out, and the rest still loads.
An entry in the person's data directory with an existing id replaces the built-in one.
"""

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from coach.bodymap import SIDES, VIEWS, BodyMap, MapSide, Point, Zone
from coach.bodymap import problems as map_problems
from coach.errors import UsageError, closest
from coach.model import MutableRecord

SCHEMA_VERSION = 2
# Files written for schema 1 still load: every schema-2 field has a default derived from
# what a schema-1 entry already says (see _method and _target).
SUPPORTED_SCHEMAS = (1, 2)

POSITIONS = {
    "seated": "seated at your desk",
    "standing": "standing",
    "floor": "sitting on the floor",
    "lying": "lying down",
}
# Where a desk movement is done (break reminders come at the desk).
MOVEMENT_POSITIONS = ("seated", "standing")
# A desk movement lasts 30 s to 2 min (McLean 2001: 30 s micro-breaks; NIOSH: short breaks).
MOVEMENT_SECONDS_RANGE = (30, 120)
TECHNIQUES = {
    "sustained-pressure": "press and hold",
    "short-strokes": "short strokes",
    "rolling": "rolling",
}
PRESSURES = ("light", "moderate", "firm")
# What a target is: something to press or roll (the routine's pressure steps), a stretch
# done on its own (no pressure at all, e.g. where nerves lie under the muscle), or a short
# desk movement for break reminders.
TARGET_KINDS = ("pressure", "stretch", "movement")
# Tools a person leans their weight onto (schema-1 default for `body_weight`).
BODY_WEIGHT_TOOLS = frozenset({"ball", "foam-roller"})

# Dosage ranges from DOMAIN.md section 1: pressure holds 20-90 s (Travell & Simons; RCT 2007;
# Wilke's 90 s calf hold), rolling 30-120 s per muscle (Behm 2020), short strokes as a set of
# 6-12 strokes; no more than about 5 minutes on one point (Ingraham).
HOLD_RANGE_S = {
    "sustained-pressure": (20, 90),
    "short-strokes": (20, 60),
    "rolling": (30, 120),
}
RELEASE_RANGE_S = (5, 30)
REPS_RANGE = (1, 3)
MAX_SECONDS_PER_POINT = 300
# The builder grows a dose only this far by default, though the ranges allow more: pressure
# is let go at about 60 s (RCT 2007; Travell & Simons: up to about 1 min per point).
GENTLE_HOLD_MAX_S = {"sustained-pressure": 60, "short-strokes": 60, "rolling": 120}
STRETCH_HOLD_RANGE_S = (15, 60)
STRETCH_REPS_RANGE = (1, 3)

# Library entries are NamedTuples: read-only records like frozen dataclasses, but about
# ten times cheaper to define, which the app's and `coach today`'s start-up time feel.
_ID_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_KINDS = ("area", "tool", "habit", "caution", "target")


class Problem(NamedTuple):
    """One thing wrong in a library file, said so a person can find and fix it."""

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f", entry {self.entry!r}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"


class Area(NamedTuple):
    id: str
    label: str
    description: str = ""
    phrase: str = ""  # how a sentence names it: "the area between your shoulder blades"
    snomed: str = ""  # a SNOMED CT body-structure concept id, where one fits (FHIR bodySite)

    @property
    def your(self) -> str:
        return self.phrase or f"your {self.label.lower()}"


class Tool(NamedTuple):
    id: str
    label: str


class Habit(NamedTuple):
    id: str
    label: str
    loads: dict[str, float]
    description: str = ""
    why: str = ""


class Caution(NamedTuple):
    id: str
    label: str
    question: str
    meaning: str
    advice: str
    urgent: bool = False
    sources: tuple[str, ...] = ()


class Method(NamedTuple):
    """One way to work a target: the tools it needs, the body position and the technique.

    The caps (max_hold_s, max_reps, max_session_s) are limits the builder never exceeds,
    whatever the time budget: max_session_s is the most pressure time (hold x reps, summed
    over both sides of a bilateral target) in one session.
    """

    tools: tuple[str, ...]
    position: str
    technique: str
    how: str
    hold_s: int
    release_s: int
    reps: int
    max_hold_s: int = 60
    max_reps: int = 3
    max_session_s: int = MAX_SECONDS_PER_POINT
    pressure: str = "moderate"
    body_weight: bool = False  # true when you lean your weight onto a ball or roller
    lying_on_back: bool = False

    @property
    def tool(self) -> str:
        return self.tools[0]


class StretchSpec(NamedTuple):
    name: str
    how: str
    hold_s: int
    reps: int
    position: str


class Target(NamedTuple):
    """One library entry, of one of three kinds (TARGET_KINDS):

    - "pressure": a muscle to press or roll; `methods` (at least one) and usually a
      `stretch` to follow; `find` and `refers` say where it is and where its pain goes.
    - "stretch": a stretch done on its own, no pressure at all (the scalenes lie over the
      nerves to the arm); `methods` is empty, `stretch` is set, `find` and `refers` as above.
    - "movement": a short desk movement for break reminders; `how`, `seconds` (30-120) and
      `position` ("seated" or "standing") say what to do; no methods, stretch or map.
    """

    id: str
    name: str
    areas: tuple[str, ...]
    bilateral: bool
    find: str
    refers: str
    methods: tuple[Method, ...]
    stretch: StretchSpec | None
    cautions: tuple[str, ...]
    avoid_if: tuple[str, ...]
    sources: tuple[str, ...]
    kind: str = "pressure"  # one of TARGET_KINDS
    how: str = ""  # movement: what to do, in plain words
    seconds: int = 0  # movement: how long, 30-120 s
    position: str = ""  # movement: "seated" or "standing"
    body_map: BodyMap | None = None  # where to press and where it refers (pressure, stretch)

    @property
    def label(self) -> str:
        return self.name

    @property
    def techniques(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(method.technique for method in self.methods))


class Catalog(MutableRecord):
    """The library as loaded: entries by id, per kind, and what was wrong in its files."""

    __slots__ = ("areas", "tools", "habits", "cautions", "targets", "problems")

    def __init__(self, areas: dict[str, Area] | None = None,
                 tools: dict[str, Tool] | None = None,
                 habits: dict[str, Habit] | None = None,
                 cautions: dict[str, Caution] | None = None,
                 targets: dict[str, Target] | None = None,
                 problems: list[Problem] | None = None):
        # each its own, filled in as the files are validated (see _validate_into)
        self.areas: dict[str, Area] = {} if areas is None else areas
        self.tools: dict[str, Tool] = {} if tools is None else tools
        self.habits: dict[str, Habit] = {} if habits is None else habits
        self.cautions: dict[str, Caution] = {} if cautions is None else cautions
        self.targets: dict[str, Target] = {} if targets is None else targets
        self.problems: list[Problem] = [] if problems is None else problems

    def resolve_area(self, name: str) -> str:
        return _resolve(name, self.areas, "area")

    def resolve_habit(self, name: str) -> str:
        return _resolve(name, self.habits, "habit")

    def resolve_tool(self, name: str) -> str:
        return _resolve(name, self.tools, "tool")

    def resolve_caution(self, name: str) -> str:
        return _resolve(name, self.cautions, "caution")

    def resolve_target(self, name: str) -> str:
        """A target id from its id or name ("upper-trapezius", "Upper trapezius")."""
        return _resolve(name, self.targets, "muscle")

    def of_kind(self, kind: str) -> list[Target]:
        """The entries of one kind ("pressure", "stretch" or "movement"), in library order."""
        return [target for target in self.targets.values() if target.kind == kind]

    def resolve_list(self, kind: str, names: str | Iterable[str]) -> tuple[str, ...]:
        """Resolve "a,b" (or a list) of areas, habits, tools or cautions; order kept, no repeats."""
        if isinstance(names, str):
            names = names.split(",")
        resolver = getattr(self, f"resolve_{kind}")
        resolved = [resolver(name) for name in names if name.strip()]
        return tuple(dict.fromkeys(resolved))


def _resolve(name: str, entries: dict, kind: str) -> str:
    wanted = name.strip()
    if wanted in entries:
        return wanted
    lowered = wanted.lower()
    for entry_id, entry in entries.items():
        if lowered in (entry_id.lower(), entry.label.lower()):
            return entry_id
    hint = closest(wanted, list(entries)) or closest(
        wanted, [entry.label for entry in entries.values()]
    )
    if hint and hint not in entries:  # matched a label: suggest its id
        hint = next(entry_id for entry_id, entry in entries.items() if entry.label == hint)
    suggestion = f"did you mean {hint}? " if hint else ""
    raise UsageError(f"unknown {kind} {wanted!r}; {suggestion}'coach catalog' lists every "
                     f"{kind}.")


@functools.cache
def builtin_dir() -> Path:
    """The routines/ folder shipped with the package (found once: it does not move)."""
    import routines

    return Path(routines.__file__).resolve().parent


def library_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*.toml") if path.is_file())


def load_catalog(user_dir: Path | None = None, *, include_user: bool = True) -> Catalog:
    """The built-in library, then the person's own files on top (same id replaces)."""
    catalog = Catalog()
    with _ParsedCache() as cache:
        raw = _read_layer(library_files(builtin_dir()), catalog.problems, cache)
    if include_user:
        if user_dir is None:
            from coach.locations import user_routines_dir

            user_dir = user_routines_dir()
        user_raw = _read_layer(library_files(user_dir), catalog.problems)
        for kind in _KINDS:
            raw[kind].update(user_raw[kind])
    _validate_into(catalog, raw)
    return catalog


def check_file(path: Path) -> list[Problem]:
    """Problems in one file, checked against the installed library (for `coach catalog --check`)."""
    problems: list[Problem] = []
    if not path.is_file():
        return [Problem(str(path), "", "", "no such file")]
    base = _read_layer(library_files(builtin_dir()), [])
    own = _read_layer([path], problems)
    for kind in _KINDS:
        base[kind].update(own[kind])
    checked = Catalog()
    _validate_into(checked, base)
    problems.extend(problem for problem in checked.problems if problem.file == str(path))
    return problems


# --- reading -----------------------------------------------------------------------------

class _ParsedCache:
    """The built-in files parsed once and kept as JSON, which loads far faster than TOML
    (tomllib is pure Python); an entry is used only while its file is unchanged. The cache
    is a convenience: when it cannot be read or written, files are parsed as usual."""

    def __init__(self):
        from coach.locations import cache_dir

        self.path = cache_dir() / f"library-v{SCHEMA_VERSION}.json"
        self.entries: dict[str, list] = {}
        self.used: dict[str, list] = {}
        self.changed = False

    def __enter__(self) -> "_ParsedCache":
        import json

        try:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        return self

    def __exit__(self, *exc_info) -> None:
        # Only this library's files are kept: entries for other checkouts or removed files
        # would otherwise pile up and make every start read them.
        if (self.changed or self.used.keys() != self.entries.keys()) and exc_info[0] is None:
            import contextlib
            import json

            from coach.errors import CoachError
            from coach.store.files import atomic_write  # 0600, never through a link

            with contextlib.suppress(OSError, CoachError):
                atomic_write(self.path, json.dumps(self.used).encode("utf-8"))

    def load(self, path: Path) -> dict:
        stat = path.stat()
        stamp = [stat.st_mtime_ns, stat.st_size]
        cached = self.entries.get(str(path))
        if cached and cached[0] == stamp:
            self.used[str(path)] = cached
            return cached[1]
        document = _parse_toml(path)
        self.used[str(path)] = [stamp, document]
        self.changed = True
        return document


class _NotToml(ValueError):
    pass


def _parse_toml(path: Path) -> dict:
    import tomllib  # only when a file is not in the cache: it costs ~10 ms to import

    with path.open("rb") as handle:
        try:
            return tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise _NotToml(str(error)) from None


def _parse(path: Path, cache: "_ParsedCache | None") -> dict:
    return cache.load(path) if cache is not None else _parse_toml(path)


def _is_id(text: str) -> bool:
    """A lower-case id like 'upper-back': words of a-z and 0-9 joined by single hyphens
    (checked without a regular expression: compiling one cost every start 0.7M instructions)."""
    return all(word and _ID_CHARACTERS.issuperset(word) for word in text.split("-"))


def _read_layer(paths: list[Path], problems: list[Problem],
                cache: "_ParsedCache | None" = None) -> dict[str, dict[str, tuple]]:
    """id -> (file, raw table) per kind; a duplicate id within one layer is a problem."""
    layer: dict[str, dict[str, tuple]] = {kind: {} for kind in _KINDS}
    for path in paths:
        name = str(path)
        try:
            document = _parse(path, cache)
        except _NotToml as error:
            problems.append(Problem(name, "", "", f"is not valid TOML ({error}); fix the syntax"))
            continue
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(name, "", "", f"cannot be read ({error})"))
            continue
        version = document.get("schema")
        if isinstance(version, bool) or version not in SUPPORTED_SCHEMAS:
            if isinstance(version, int) and version > SCHEMA_VERSION:
                message = (f"uses schema {version}, newer than this coach understands "
                           f"({SCHEMA_VERSION}); update coach")
            else:
                message = f"must start with 'schema = {SCHEMA_VERSION}' (or 'schema = 1')"
            problems.append(Problem(name, "", "schema", message))
            continue
        for key in document:
            if key != "schema" and key not in _KINDS:
                problems.append(Problem(name, "", key, f"unknown table; expected one of "
                                                     f"{', '.join(_KINDS)}"))
        for kind in _KINDS:
            entries = document.get(kind, [])
            if not isinstance(entries, list):
                problems.append(Problem(name, "", kind, f"must be an array of tables ([[{kind}]])"))
                continue
            for index, entry in enumerate(entries, start=1):
                if not isinstance(entry, dict):
                    problems.append(Problem(name, f"{kind} #{index}", "", "must be a table"))
                    continue
                entry_id = entry.get("id")
                if not isinstance(entry_id, str) or not _is_id(entry_id):
                    problems.append(Problem(name, f"{kind} #{index}", "id",
                                            "needs a lower-case id like 'upper-back'"))
                    continue
                if entry_id in layer[kind]:
                    first_file = layer[kind][entry_id][0]
                    problems.append(Problem(name, entry_id, "id",
                                            f"duplicate {kind} id (also in {first_file})"))
                    continue
                layer[kind][entry_id] = (name, entry)
    return layer


# --- validation --------------------------------------------------------------------------

class _Invalid(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name
        self.message = message


def _validate_into(catalog: Catalog, raw: dict[str, dict[str, tuple]]) -> None:
    """Turn raw tables into entries, in dependency order; broken entries are left out."""
    builders = (
        ("area", catalog.areas, _area),
        ("tool", catalog.tools, _tool),
        ("caution", catalog.cautions, _caution),
        ("target", catalog.targets, _target),
        ("habit", catalog.habits, _habit),
    )
    builtin = str(builtin_dir())
    for kind, into, build in builders:
        for entry_id, (file_name, table) in raw[kind].items():
            try:
                if kind == "target":
                    # The built-in maps are checked against the outline by the library's
                    # tests; checking them at every start-up would cost `coach today` more
                    # than the rest of the library together. A person's own file is
                    # checked every time.
                    into[entry_id] = _target(table, catalog,
                                             check_map=not file_name.startswith(builtin))
                else:
                    into[entry_id] = build(table, catalog)
            except _Invalid as invalid:
                catalog.problems.append(Problem(file_name, entry_id, invalid.field_name,
                                                invalid.message))


def _text(table: dict, key: str, required: bool = True) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise _Invalid(key, "is missing")
        return ""
    text = value.strip() if isinstance(value, str) else None
    if text is None or (required and not text):
        raise _Invalid(key, "must be non-empty text")
    return text


def _texts(table: dict, key: str, minimum: int = 0) -> tuple[str, ...]:
    value = table.get(key, [])
    # each item stripped once: a list with anything but non-blank text loses or keeps a blank
    texts = (tuple([item.strip() for item in value if isinstance(item, str)])
             if isinstance(value, list) else ())
    if not isinstance(value, list) or len(texts) < len(value) or not all(texts):
        raise _Invalid(key, "must be a list of text")
    if len(value) < minimum:
        raise _Invalid(key, "is missing" if not value else f"needs at least {minimum}")
    return texts


def _number(table: dict, key: str, low: int, high: int, default: int | None = None) -> int:
    value = table.get(key, default)
    if value is None:
        raise _Invalid(key, "is missing")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(key, f"must be a whole number from {low} to {high}")
    if not low <= value <= high:
        raise _Invalid(key, f"is {value}; it must be from {low} to {high}")
    return value


def _ids(table: dict, key: str, known: dict, kind: str, minimum: int = 0) -> tuple[str, ...]:
    ids = _texts(table, key, minimum)
    for entry_id in ids:
        if entry_id not in known:
            hint = closest(entry_id, list(known))
            suggestion = f" (did you mean {hint}?)" if hint else ""
            raise _Invalid(key, f"unknown {kind} {entry_id!r}{suggestion}")
    return ids


def _area(table: dict, catalog: Catalog) -> Area:
    snomed = _text(table, "snomed", required=False)
    if snomed and not (snomed.isdigit() and 6 <= len(snomed) <= 18):
        raise _Invalid("snomed", "must be a SNOMED CT concept id: 6 to 18 digits, as text")
    return Area(table["id"], _text(table, "label"), _text(table, "description", required=False),
                _text(table, "phrase", required=False), snomed)


def _tool(table: dict, catalog: Catalog) -> Tool:
    return Tool(table["id"], _text(table, "label"))


def _caution(table: dict, catalog: Catalog) -> Caution:
    urgent = table.get("urgent", False)
    if not isinstance(urgent, bool):
        raise _Invalid("urgent", "must be true or false")
    return Caution(
        id=table["id"],
        label=_text(table, "label"),
        question=_text(table, "question"),
        meaning=_text(table, "meaning"),
        advice=_text(table, "advice"),
        urgent=urgent,
        sources=_texts(table, "sources"),
    )


def _habit(table: dict, catalog: Catalog) -> Habit:
    loads = table.get("loads")
    if not isinstance(loads, dict) or not loads:
        raise _Invalid("loads", "must map target ids to weights, e.g. upper-trapezius = 0.6")
    for target_id, weight in loads.items():
        if target_id not in catalog.targets:
            hint = closest(target_id, list(catalog.targets))
            suggestion = f" (did you mean {hint}?)" if hint else ""
            raise _Invalid(f"loads.{target_id}", f"unknown target{suggestion}")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 1:
            raise _Invalid(f"loads.{target_id}", "weight must be a number above 0 and at most 1")
    return Habit(
        id=table["id"],
        label=_text(table, "label"),
        loads={target_id: float(weight) for target_id, weight in loads.items()},
        description=_text(table, "description", required=False),
        why=_text(table, "why", required=False),
    )


def _target(table: dict, catalog: Catalog, check_map: bool = True) -> Target:
    kind = table.get("kind", "pressure")
    if kind not in TARGET_KINDS:
        raise _Invalid("kind", f"must be one of {', '.join(TARGET_KINDS)}")
    if kind == "movement":
        return _movement(table, catalog)
    bilateral = table.get("bilateral")
    if not isinstance(bilateral, bool):
        raise _Invalid("bilateral", "must be true or false")
    if kind == "stretch":
        # Stretch only: no pressure methods at all (e.g. the scalenes lie over the nerves).
        for key in ("method", "dosage"):
            if key in table:
                raise _Invalid(key, 'a stretch-only entry (kind = "stretch") has no pressure '
                                    'methods: remove it, or set kind = "pressure"')
        if table.get("stretch") is None:
            raise _Invalid("stretch", 'is missing: a stretch-only entry needs [target.stretch]')
        methods: tuple[Method, ...] = ()
    else:
        dosage = table.get("dosage")
        if not isinstance(dosage, dict):
            raise _Invalid("dosage", "is missing (hold_s, release_s, reps)")
        raw_methods = table.get("method")
        if not isinstance(raw_methods, list) or not raw_methods:
            raise _Invalid("method", "needs at least one [[target.method]]")
        methods = tuple(_method(raw, dosage, catalog, index)
                        for index, raw in enumerate(raw_methods, start=1))
    return Target(
        id=table["id"],
        name=_text(table, "name"),
        areas=_ids(table, "areas", catalog.areas, "area", minimum=1),
        bilateral=bilateral,
        find=_text(table, "find"),
        refers=_text(table, "refers"),
        methods=methods,
        stretch=_stretch(table.get("stretch")),
        cautions=_texts(table, "cautions"),
        avoid_if=_ids(table, "avoid_if", catalog.cautions, "caution"),
        sources=_texts(table, "sources", minimum=1),
        kind=kind,
        body_map=_body_map(table.get("map"), bilateral, check_map),
    )


def _movement(table: dict, catalog: Catalog) -> Target:
    """A desk movement for break reminders: what to do, for how long, seated or standing."""
    for key in ("method", "dosage", "stretch", "map"):
        if key in table:
            raise _Invalid(key, 'a movement (kind = "movement") has only how, seconds and '
                                'position: remove this table')
    position = _text(table, "position")
    if position not in MOVEMENT_POSITIONS:
        raise _Invalid("position", f"must be one of {', '.join(MOVEMENT_POSITIONS)}")
    return Target(
        id=table["id"],
        name=_text(table, "name"),
        areas=_ids(table, "areas", catalog.areas, "area"),
        bilateral=_flag(table, "bilateral", default=False),
        find="",
        refers="",
        methods=(),
        stretch=None,
        cautions=_texts(table, "cautions"),
        avoid_if=_ids(table, "avoid_if", catalog.cautions, "caution"),
        sources=_texts(table, "sources", minimum=1),
        kind="movement",
        how=_text(table, "how"),
        seconds=_number(table, "seconds", *MOVEMENT_SECONDS_RANGE),
        position=position,
    )


def _body_map(raw: object, bilateral: bool, check: bool = True) -> BodyMap | None:
    """[target.map]: per side ("left" and "right", or "whole"), points and zones per view."""
    if raw is None:
        return None
    if not check:
        try:
            return _trusted_map(raw)
        except (AttributeError, KeyError, TypeError, ValueError):
            pass  # not as the built-in files are written: check it field by field
    if not isinstance(raw, dict):
        raise _Invalid("map", "must be a table")
    sides = []
    for side, part in raw.items():
        if side not in SIDES:
            raise _Invalid(f"map.{side}", f"unknown side; expected one of {', '.join(SIDES)}")
        if not isinstance(part, dict):
            raise _Invalid(f"map.{side}", "must be a table with points and zones")
        sides.append(MapSide(side, _map_points(part.get("points"), f"map.{side}.points"),
                             _map_zones(part.get("zones"), f"map.{side}.zones")))
    body_map = BodyMap(tuple(sides))
    found = map_problems(body_map, bilateral) if check else []
    if found:
        raise _Invalid(*found[0])
    return body_map


def _trusted_map(raw: dict) -> BodyMap:
    """A built-in map read without the field-by-field checks (the tests make them)."""
    return BodyMap(tuple(
        MapSide(side,
                tuple(Point(point["view"], point["x"], point["y"]) for point in part["points"]),
                tuple(Zone(zone["view"], "ellipse", tuple(zone["ellipse"])) if "ellipse" in zone
                      else Zone(zone["view"], "polygon", tuple(map(tuple, zone["polygon"])))
                      for zone in part["zones"]))
        for side, part in raw.items()))


def _view(item: dict, where: str) -> str:
    view = item.get("view")
    if view not in VIEWS:
        raise _Invalid(f"{where}.view", f"must be one of {', '.join(VIEWS)}")
    return view


def _unit(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and 0 <= value <= 1


def _map_points(raw: object, where: str) -> tuple[Point, ...]:
    if not isinstance(raw, list):
        raise _Invalid(where, 'must be a list like [{ view = "back", x = 0.4, y = 0.2 }]')
    points = []
    for index, item in enumerate(raw, start=1):
        label = f"{where} #{index}"
        if not isinstance(item, dict) or not (_unit(item.get("x")) and _unit(item.get("y"))):
            raise _Invalid(label, "needs view, and x and y from 0 to 1")
        points.append(Point(_view(item, label), float(item["x"]), float(item["y"])))
    return tuple(points)


def _map_zones(raw: object, where: str) -> tuple[Zone, ...]:
    if not isinstance(raw, list):
        raise _Invalid(where, "must be a list of zones, each with a view and an ellipse "
                              "[cx, cy, rx, ry] or a polygon [[x, y], ...]")
    zones = []
    for index, item in enumerate(raw, start=1):
        label = f"{where} #{index}"
        if not isinstance(item, dict):
            raise _Invalid(label, "must be a table")
        view = _view(item, label)
        ellipse, polygon = item.get("ellipse"), item.get("polygon")
        if (ellipse is None) == (polygon is None):
            raise _Invalid(label, "needs either ellipse = [cx, cy, rx, ry] or "
                                  "polygon = [[x, y], ...]")
        if ellipse is not None:
            if not (isinstance(ellipse, list) and len(ellipse) == 4
                    and all(_unit(value) for value in ellipse)):
                raise _Invalid(f"{label}.ellipse", "must be [cx, cy, rx, ry], each 0 to 1")
            zones.append(Zone(view, "ellipse", tuple(float(value) for value in ellipse)))
        else:
            if not (isinstance(polygon, list) and len(polygon) >= 3
                    and all(isinstance(corner, list) and len(corner) == 2
                            and all(_unit(value) for value in corner) for corner in polygon)):
                raise _Invalid(f"{label}.polygon", "must list at least 3 corners [x, y], "
                                                   "each 0 to 1")
            zones.append(Zone(view, "polygon",
                              tuple((float(x), float(y)) for x, y in polygon)))
    return tuple(zones)


def _method(raw: object, dosage: dict, catalog: Catalog, index: int) -> Method:
    prefix = f"method #{index}."
    if not isinstance(raw, dict):
        raise _Invalid(f"method #{index}", "must be a table")
    try:
        tools = _ids(raw, "tools", catalog.tools, "tool", minimum=1)
        position = _text(raw, "position")
        if position not in POSITIONS:
            raise _Invalid("position", f"must be one of {', '.join(POSITIONS)}")
        technique = _text(raw, "technique")
        if technique not in TECHNIQUES:
            raise _Invalid("technique", f"must be one of {', '.join(TECHNIQUES)}")
        low, high = HOLD_RANGE_S[technique]
        merged = {**dosage, **{key: raw[key] for key in ("hold_s", "release_s", "reps")
                               if key in raw}}
        hold_s = _number(merged, "hold_s", low, high)
        release_s = _number(merged, "release_s", *RELEASE_RANGE_S)
        reps = _number(merged, "reps", *REPS_RANGE)
        if hold_s * reps > MAX_SECONDS_PER_POINT:
            raise _Invalid("reps", f"{reps} x {hold_s} s is more than "
                                   f"{MAX_SECONDS_PER_POINT} s on one point")
        how = _text(raw, "how")
        # Schema-1 defaults: the builder's gentle ceiling (pressure let go at about 60 s;
        # rolling up to 120 s), the reps range, and 5 minutes on one point.
        gentle_hold = max(hold_s, GENTLE_HOLD_MAX_S[technique])
        max_hold_s = _number(raw, "max_hold_s", low, high, default=min(high, gentle_hold))
        max_reps = _number(raw, "max_reps", *REPS_RANGE, default=REPS_RANGE[1])
        max_session_s = _number(raw, "max_session_s", low, MAX_SECONDS_PER_POINT,
                                default=MAX_SECONDS_PER_POINT)
        if hold_s > max_hold_s:
            raise _Invalid("hold_s", f"the default hold ({hold_s} s) is above max_hold_s "
                                     f"({max_hold_s} s)")
        if reps > max_reps:
            raise _Invalid("reps", f"the default reps ({reps}) are above max_reps ({max_reps})")
        if hold_s * reps > max_session_s:
            raise _Invalid("max_session_s", f"the default dose ({reps} x {hold_s} s) is above "
                                            f"max_session_s ({max_session_s} s)")
        pressure = _text(raw, "pressure", required=False) or "moderate"
        if pressure not in PRESSURES:
            raise _Invalid("pressure", f"must be one of {', '.join(PRESSURES)}")
        body_weight = _flag(raw, "body_weight", default=bool(BODY_WEIGHT_TOOLS & set(tools)))
        lying_on_back = _flag(raw, "lying_on_back", default=False)
    except _Invalid as invalid:
        raise _Invalid(prefix + invalid.field_name, invalid.message) from None
    return Method(tools, position, technique, how, hold_s, release_s, reps,
                  max_hold_s=max_hold_s, max_reps=max_reps, max_session_s=max_session_s,
                  pressure=pressure, body_weight=body_weight, lying_on_back=lying_on_back)


def _flag(table: dict, key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise _Invalid(key, "must be true or false")
    return value


def _stretch(raw: object) -> StretchSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _Invalid("stretch", "must be a table")
    try:
        position = _text(raw, "position", required=False) or "standing"
        if position not in POSITIONS:
            raise _Invalid("position", f"must be one of {', '.join(POSITIONS)}")
        return StretchSpec(
            name=_text(raw, "name"),
            how=_text(raw, "how"),
            hold_s=_number(raw, "hold_s", *STRETCH_HOLD_RANGE_S),
            reps=_number(raw, "reps", *STRETCH_REPS_RANGE, default=1),
            position=position,
        )
    except _Invalid as invalid:
        raise _Invalid("stretch." + invalid.field_name, invalid.message) from None
