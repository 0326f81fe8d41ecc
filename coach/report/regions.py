"""Where each area sits on the library's body outline (coach.bodymap.OUTLINE), for the report's
body map: a few simple shapes per area in the outline's unit square, front or back view.

Both sides are drawn for an area felt on both sides of the body (shoulders, calves, ...); the
shapes mirror each other, so the person's left and right need no care here. An area of the
person's own routine files has no place here: the report lists it under the map instead.
"""

from __future__ import annotations

from coach.bodymap import Zone


def _pair(view: str, cx: float, cy: float, rx: float, ry: float) -> tuple[Zone, Zone]:
    """An ellipse on each side of the body's midline (x = 0.5)."""
    return (Zone(view, "ellipse", (cx, cy, rx, ry)),
            Zone(view, "ellipse", (round(1 - cx, 4), cy, rx, ry)))


REGIONS: dict[str, tuple[Zone, ...]] = {
    "tension-headache": (Zone("front", "ellipse", (0.5, 0.05, 0.034, 0.02)),),
    "jaw": (Zone("front", "ellipse", (0.5, 0.112, 0.03, 0.013)),),
    "neck": (Zone("back", "ellipse", (0.5, 0.148, 0.024, 0.022)),),
    "shoulders": _pair("back", 0.445, 0.182, 0.045, 0.015),
    "front-shoulder": _pair("front", 0.405, 0.207, 0.022, 0.022),
    "chest": _pair("front", 0.448, 0.25, 0.04, 0.032),
    "upper-back": _pair("back", 0.432, 0.252, 0.03, 0.042),
    "between-shoulder-blades": (Zone("back", "ellipse", (0.5, 0.255, 0.02, 0.045)),),
    "low-back": (Zone("back", "ellipse", (0.5, 0.42, 0.07, 0.035)),),
    "hips-glutes": _pair("back", 0.452, 0.5, 0.042, 0.034),
    "sciatica-like": _pair("back", 0.45, 0.625, 0.026, 0.065),
    "forearm-wrist": _pair("front", 0.338, 0.42, 0.014, 0.055),
    "calves": _pair("back", 0.45, 0.78, 0.028, 0.058),
    "shins-ankles": _pair("front", 0.453, 0.86, 0.021, 0.06),
    "feet-heel": _pair("back", 0.445, 0.965, 0.024, 0.016),
}
