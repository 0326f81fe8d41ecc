"""The library as a person browses it: a target's card, browsing by area, and search.

One core for `coach show`, `coach catalog` and the app's library screen, so the three say
the same thing. Pure: no Textual, no printing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.catalog import POSITIONS, TECHNIQUES, Area, Catalog, Caution, Method, Target

KIND_TEXT = {
    "pressure": "press or roll",
    "stretch": "stretch only, no pressure",
    "movement": "desk movement",
}
PRESSURE_TEXT = {
    "light": "light (no more than about 4 out of 10)",
    "moderate": "moderate (a good ache, about 5 to 7 out of 10)",
    "firm": "firm (about 7 out of 10)",
}
MOVEMENTS_GROUP = "Desk movements"

# Words that say nothing about where it hurts ("pain behind the eye" -> behind, eye).
_STOP_WORDS = frozenset((
    "a", "an", "and", "at", "i", "in", "into", "is", "it", "its", "me", "my", "of", "on",
    "or", "the", "to", "with", "pain", "pains", "painful", "ache", "aches", "aching", "hurt",
    "hurts", "hurting", "sore", "soreness", "tight", "tightness", "feel", "feels", "felt",
    "sometimes", "there", "where", "which", "when",
))


@dataclass(frozen=True)
class MethodCard:
    tools: tuple[str, ...]  # tool labels, main tool first
    position: str  # "seated at your desk", ...
    technique: str  # "press and hold", ...
    how: str
    dose: str  # "30 s, 2 times, 10 s rest between"
    limits: str  # the caps the builder never exceeds
    pressure: str
    body_weight: bool
    lying_on_back: bool

    def to_json(self) -> dict:
        return {"tools": list(self.tools), "position": self.position,
                "technique": self.technique, "how": self.how, "dose": self.dose,
                "limits": self.limits, "pressure": self.pressure,
                "body_weight": self.body_weight, "lying_on_back": self.lying_on_back}


@dataclass(frozen=True)
class Card:
    """Everything the library says about one entry, ready to show."""

    target: Target
    areas: tuple[str, ...]  # area labels
    methods: tuple[MethodCard, ...]
    stretch: str  # "" when there is none
    screening: tuple[Caution, ...]  # the health cautions that rule it out

    @property
    def sides(self) -> str:
        if self.target.kind == "movement":
            return ""
        return "both sides, one at a time" if self.target.bilateral else "both sides at once"

    def summary(self) -> str:
        """One line: the kind, the sides, the areas it helps."""
        facts = [f"Kind: {KIND_TEXT.get(self.target.kind, self.target.kind)}"]
        if self.sides:
            facts.append(self.sides)
        if self.areas:
            facts.append("helps: " + ", ".join(self.areas))
        return " · ".join(facts)

    def sections(self) -> list[tuple[str, list[str]]]:
        """The card's text as (heading, paragraphs), in the order a person needs it (a
        paragraph may hold line breaks); the CLI and the app's card show exactly these."""
        target = self.target
        found: list[tuple[str, list[str]]] = []
        if target.kind == "movement":
            found.append(("How", [f"{target.how} ({target.seconds} s, "
                                  f"{POSITIONS.get(target.position, target.position)})"]))
        else:
            found.append(("Find it", [target.find]))
            found.append(("Refers pain to", [target.refers]))
        if self.methods:
            found.append(("How, by tool", [
                f"{' + '.join(method.tools)}, {method.position}, {method.technique}\n"
                f"{method.how}\nDose: {method.dose}; {method.limits}. "
                f"Pressure: {method.pressure}." for method in self.methods]))
        if self.stretch:
            found.append(("Stretch" if target.kind == "stretch" else "Stretch afterwards",
                          [self.stretch]))
        if target.cautions:
            found.append(("Careful", list(target.cautions)))
        if self.screening:
            found.append(("Left out of your routine when you answer yes to", [
                f"{caution.label}: {caution.question}" for caution in self.screening]))
        found.append(("Sources", list(target.sources)))
        return found

    def to_json(self) -> dict:
        target = self.target
        data = {
            "id": target.id, "name": target.name, "kind": target.kind,
            "areas": list(target.areas), "area_labels": list(self.areas),
            "bilateral": target.bilateral,
            "find": target.find, "refers": target.refers,
            "methods": [method.to_json() for method in self.methods],
            "stretch": _stretch_json(target),
            "cautions": list(target.cautions),
            "avoid_if": [caution_json(caution) for caution in self.screening],
            "sources": list(target.sources),
            "map": target.body_map.to_json() if target.body_map else None,
        }
        if target.kind == "movement":
            data.update(how=target.how, seconds=target.seconds, position=target.position)
        return data


def caution_json(caution: Caution) -> dict:
    return {"id": caution.id, "label": caution.label, "urgent": caution.urgent,
            "question": caution.question}


def _stretch_json(target: Target) -> dict | None:
    stretch = target.stretch
    if stretch is None:
        return None
    return {"name": stretch.name, "how": stretch.how, "hold_s": stretch.hold_s,
            "reps": stretch.reps, "position": stretch.position}


def card(catalog: Catalog, target: Target) -> Card:
    stretch = ""
    if target.stretch is not None:
        spec = target.stretch
        stretch = (f"{spec.name}: {_times(spec.hold_s, spec.reps)}, "
                   f"{POSITIONS.get(spec.position, spec.position)}. {spec.how}")
    return Card(
        target=target,
        areas=tuple(catalog.areas[area].label for area in target.areas
                    if area in catalog.areas),
        methods=tuple(_method_card(catalog, method) for method in target.methods),
        stretch=stretch,
        screening=tuple(catalog.cautions[caution] for caution in target.avoid_if
                        if caution in catalog.cautions),
    )


def _times(seconds: int, reps: int) -> str:
    return f"{seconds} s" if reps == 1 else f"{seconds} s, {reps} times"


def _method_card(catalog: Catalog, method: Method) -> MethodCard:
    tools = tuple(catalog.tools[tool].label if tool in catalog.tools else tool
                  for tool in method.tools)
    dose = _times(method.hold_s, method.reps)
    if method.reps > 1:
        dose += f", {method.release_s} s rest between"
    limits = (f"at most {method.max_hold_s} s at a time, {method.max_reps} "
              f"time{'s' if method.max_reps != 1 else ''}, {method.max_session_s} s a side "
              "in one session")
    return MethodCard(tools, POSITIONS.get(method.position, method.position),
                      TECHNIQUES.get(method.technique, method.technique), method.how, dose,
                      limits, PRESSURE_TEXT.get(method.pressure, method.pressure),
                      method.body_weight, method.lying_on_back)


# --- browsing and search -----------------------------------------------------------------------

def by_area(catalog: Catalog) -> list[tuple[str, list[Target]]]:
    """(area label, its pressure and stretch entries) per area, then the desk movements."""
    groups: list[tuple[str, list[Target]]] = []
    for area in catalog.areas.values():
        entries = [target for target in catalog.targets.values()
                   if area.id in target.areas and target.kind != "movement"]
        if entries:
            groups.append((area.label, sorted(entries, key=lambda target: target.name)))
    movements = catalog.of_kind("movement")
    if movements:
        groups.append((MOVEMENTS_GROUP, sorted(movements, key=lambda target: target.name)))
    return groups


@dataclass(frozen=True)
class Match:
    target: Target
    why: str  # what matched, in words: "name", "refers: ... behind the eye"
    score: float


def words(text: str) -> set[str]:
    """The meaningful words of a text, plurals folded ("eyes" -> "eye")."""
    found = set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        if word in _STOP_WORDS or len(word) < 2:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return found


def _phrase(text: str) -> str:
    return " ".join(word for word in re.findall(r"[a-z0-9]+", text.lower())
                    if word not in _STOP_WORDS)


def search(catalog: Catalog, query: str, *, areas: dict[str, Area] | None = None
           ) -> list[Match]:
    """Entries whose name matches the query, or whose pain goes where the query says
    ("pain behind the eye" lists the muscles that refer there); best first."""
    wanted = words(query)
    if not wanted:
        return []
    areas = catalog.areas if areas is None else areas
    phrase = query.strip().lower()
    matches = []
    for target in catalog.targets.values():
        name_words = words(f"{target.name} {target.id.replace('-', ' ')}")
        refer_words = words(target.refers)
        area_words = words(" ".join(areas[area].label for area in target.areas
                                    if area in areas))
        score = 0.0
        why = ""
        if phrase and phrase in target.name.lower():
            score += 10
            why = "name"
        # A word names the entry when it starts one of its name's words ("trap" ->
        # trapezius), from three letters on.
        named = {word for word in wanted if word in name_words or (
            len(word) >= 3 and any(name.startswith(word) for name in name_words))}
        if named:
            score += 3 * len(named)
            why = why or "name"
        referred = wanted & refer_words
        if referred:
            score += 2 * len(referred)
            if len(wanted) > 1 and _phrase(query) in target.refers.lower():
                score += 2  # the words together, as the person said them
            why = why or f"refers to {target.refers}"
        in_area = wanted & area_words
        if in_area:
            score += len(in_area)
            why = why or "area: " + ", ".join(areas[area].label for area in target.areas
                                              if area in areas)
        if target.kind == "movement" and not named:
            score = 0  # movements are found by name, not by where it hurts
        if score:
            matches.append(Match(target, why, score))
    matches.sort(key=lambda match: (-match.score, match.target.name))
    return matches
