"""FHIR R4 export and import: pain ratings as Observations, sessions as Procedures, one Bundle.

Pure: records in, a JSON-ready dict out, and back. The Bundle is a "collection" a clinic's
system can read without knowing coach:

- each rating is an Observation of LOINC 72514-3 (pain severity, 0-10 verbal numeric rating,
  reported) with its time, valueInteger, and the body site: the area as text, plus the
  library's SNOMED CT body-structure code where one fits (routines/areas.toml `snomed`);
  the phase (before, after, check-in) and the muscle and technique are components, the
  person's note an Observation note, and a rating given in a session is partOf its Procedure;
- each session is a Procedure (status, a plain-text code, the performed period, the body
  sites, a narrative), with its steps and seconds as coach extensions so an import can
  rebuild it exactly.

coach's own ids ride along as identifiers (systems "urn:coach:rating" and "urn:coach:session")
and the area id as a second coding ("urn:coach:area"), so importing a bundle coach wrote
finds every record it already has and adds nothing twice.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from html import escape

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
PAIN_CODE = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
RATING_SYSTEM = "urn:coach:rating"
SESSION_SYSTEM = "urn:coach:session"
AREA_SYSTEM = "urn:coach:area"
EXTENSION = "urn:coach:fhir:"  # + "planned-seconds", "done-seconds", "day", "step"
STEP_FIELDS = ("muscle", "area", "side", "tool", "technique")
SUBJECT = {"display": "the person who recorded this with coach"}
PROCEDURE_TEXT = "Self-myofascial release session (self-massage and stretching), guided by coach"
STATUS_TO_FHIR = {"finished": "completed", "ended-early": "stopped", "in-progress": "in-progress"}
STATUS_FROM_FHIR = {value: key for key, value in STATUS_TO_FHIR.items()}
_NAMESPACE = uuid.UUID("0b6f3f0e-4c1c-5a57-9d43-6f1f2c0a7d15")
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


class NotFhir(ValueError):
    """The text is not a FHIR Bundle coach can read; the message says why."""


def is_bundle(data: object) -> bool:
    return isinstance(data, dict) and data.get("resourceType") == "Bundle"


def _full_url(kind: str, record_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}:{record_id}')}"


def _resource_id(record_id: str) -> str | None:
    return record_id if _FHIR_ID.match(record_id or "") else None


def export_bundle(ratings: Iterable, sessions: Iterable, catalog, now: datetime) -> dict:
    """The FHIR R4 Bundle (type "collection") of every rating and session given."""
    sessions = list(sessions)
    session_urls = {session.id: _full_url("session", session.id) for session in sessions}
    entries = [
        {"fullUrl": session_urls[session.id], "resource": _procedure(session, catalog)}
        for session in sessions
    ]
    entries += [
        {"fullUrl": _full_url("rating", rating.id or _rating_key(rating)),
         "resource": _observation(rating, catalog, session_urls)}
        for rating in ratings
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.isoformat(timespec="seconds"),
        "entry": entries,
    }


def _rating_key(rating) -> str:
    return f"{rating.at.isoformat()}|{rating.area}|{rating.rating}|{rating.phase}|{rating.note}"


def body_site(area_id: str, catalog) -> dict:
    """The area as a CodeableConcept: its label as text, coach's id, SNOMED CT where it fits."""
    area = catalog.areas.get(area_id)
    label = area.label if area else area_id
    coding = [{"system": AREA_SYSTEM, "code": area_id, "display": label}]
    if area is not None and area.snomed:
        coding.insert(0, {"system": SNOMED, "code": area.snomed})
    return {"coding": coding, "text": label}


def _observation(rating, catalog, session_urls: dict[str, str]) -> dict:
    resource: dict = {"resourceType": "Observation"}
    if _resource_id(rating.id):
        resource["id"] = rating.id
    if rating.id:
        resource["identifier"] = [{"system": RATING_SYSTEM, "value": rating.id}]
    resource.update({
        "status": "final",
        "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": "survey",
                                  "display": "Survey"}]}],
        "code": {"coding": [{"system": LOINC, "code": PAIN_CODE, "display": PAIN_DISPLAY}],
                 "text": "Pain severity 0-10"},
        "subject": SUBJECT,
        "effectiveDateTime": rating.at.isoformat(),
        "valueInteger": rating.rating,
        "bodySite": body_site(rating.area, catalog),
    })
    components = [("phase", rating.phase), ("muscle", rating.muscle),
                  ("technique", rating.technique)]
    resource["component"] = [
        {"code": {"text": name}, "valueString": value} for name, value in components if value
    ]
    if rating.session_id:
        reference = session_urls.get(rating.session_id)
        if reference:
            resource["partOf"] = [{"reference": reference}]
        resource["component"].append({"code": {"text": "session"},
                                      "valueString": rating.session_id})
    if rating.note:
        resource["note"] = [{"text": rating.note}]
    return resource


def _procedure(session, catalog) -> dict:
    areas = list(dict.fromkeys(step.get("area") for step in session.steps if step.get("area")))
    done = [step for step in session.steps if step.get("completed")]
    lines = "".join(
        f"<li>{escape(_step_text(step, catalog))}{'' if step.get('completed') else ' (skipped)'}"
        "</li>" for step in session.steps
    )
    summary = (f"{PROCEDURE_TEXT}: {len(done)} of {len(session.steps)} steps, "
               f"{session.done_s // 60} min {session.done_s % 60} s done.")
    resource: dict = {"resourceType": "Procedure"}
    if _resource_id(session.id):
        resource["id"] = session.id
    period = {"start": session.started_at.isoformat()}
    if session.finished_at is not None:
        period["end"] = session.finished_at.isoformat()
    resource.update({
        "text": {"status": "generated",
                 "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{escape(summary)}</p>'
                        f"{f'<ul>{lines}</ul>' if lines else ''}</div>"},
        "extension": [
            {"url": f"{EXTENSION}day", "valueDate": session.day.isoformat()},
            {"url": f"{EXTENSION}planned-seconds", "valueInteger": session.planned_s},
            {"url": f"{EXTENSION}done-seconds", "valueInteger": session.done_s},
            *(_step_extension(step) for step in session.steps),
        ],
        "identifier": [{"system": SESSION_SYSTEM, "value": session.id}],
        "status": STATUS_TO_FHIR.get(session.status, "unknown"),
        "code": {"text": PROCEDURE_TEXT},
        "subject": SUBJECT,
        "performedPeriod": period,
    })
    if areas:
        resource["bodySite"] = [body_site(area, catalog) for area in areas]
    resource["note"] = [{"text": summary}]
    return resource


def _step_text(step: dict, catalog) -> str:
    target = catalog.targets.get(step.get("muscle") or "")
    name = target.name if target else str(step.get("muscle") or "a step")
    details = ", ".join(str(step[key]).replace("-", " ") for key in ("side", "technique", "tool")
                        if step.get(key))
    return f"{name} ({details}), {int(step.get('seconds') or 0)} s"


def _step_extension(step: dict) -> dict:
    parts = [{"url": key, "valueString": str(step[key])} for key in STEP_FIELDS if step.get(key)]
    parts.append({"url": "seconds", "valueInteger": int(step.get("seconds") or 0)})
    parts.append({"url": "completed", "valueBoolean": bool(step.get("completed"))})
    if "skipped" in step:  # skipped by the person, as the player saves it since issue 12
        parts.append({"url": "skipped", "valueBoolean": bool(step["skipped"])})
    return {"url": f"{EXTENSION}step", "extension": parts}


# ------------------------------------------------------------------ import


def parse_bundle(data: dict, snomed_areas: dict[str, str]) -> tuple[list[dict], list[dict],
                                                                      list[tuple[str, str]]]:
    """(rating fields, session docs, bad entries) from a Bundle; nothing is stored here.

    Rating fields are the keyword arguments of a coach rating row ("at", "area", "rating",
    "phase", "note", "session_id", "muscle", "technique", "id"), with the area as coach's id,
    the label, or the SNOMED CT code's area; the caller validates them as any imported row.
    Session docs are SessionRecord documents. Resources that are not pain observations or
    coach sessions are skipped; a pain observation or coach session that cannot be read is
    reported as bad, with where and why.
    """
    if not is_bundle(data):
        raise NotFhir("it is not a FHIR Bundle")
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise NotFhir("its entry is not a list")
    sessions_by_url: dict[str, str] = {}
    ratings: list[dict] = []
    sessions: list[dict] = []
    bad: list[tuple[str, str]] = []
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Procedure":
            session_id = _identifier(resource, SESSION_SYSTEM)
            if session_id and isinstance(entry.get("fullUrl"), str):
                sessions_by_url[entry["fullUrl"]] = session_id
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            bad.append((where, "has no resource"))
            continue
        try:
            kind = resource.get("resourceType")
            if kind == "Observation" and _is_pain(resource):
                ratings.append(_rating_fields(resource, snomed_areas, sessions_by_url))
            elif kind == "Procedure" and _identifier(resource, SESSION_SYSTEM):
                sessions.append(_session_doc(resource))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            bad.append((where, f"is not a readable {resource.get('resourceType')} ({error})"))
    return ratings, sessions, bad


def _identifier(resource: dict, system: str) -> str | None:
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") == system:
            value = identifier.get("value")
            return value if isinstance(value, str) and value else None
    return None


def _codings(concept: object) -> list[dict]:
    if not isinstance(concept, dict):
        return []
    return [coding for coding in concept.get("coding") or [] if isinstance(coding, dict)]


def _is_pain(resource: dict) -> bool:
    return any(coding.get("system") == LOINC and coding.get("code") == PAIN_CODE
               for coding in _codings(resource.get("code")))


def _rating_fields(resource: dict, snomed_areas: dict[str, str],
                   sessions_by_url: dict[str, str]) -> dict:
    value = resource.get("valueInteger")
    if value is None and isinstance(resource.get("valueQuantity"), dict):
        value = resource["valueQuantity"].get("value")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    site = resource.get("bodySite") or {}
    area = None
    for coding in _codings(site):
        if coding.get("system") == AREA_SYSTEM:
            area = coding.get("code")
    if area is None:
        area = next((snomed_areas[coding.get("code")] for coding in _codings(site)
                     if coding.get("system") == SNOMED and coding.get("code") in snomed_areas),
                    None)
    if area is None:
        area = site.get("text") if isinstance(site, dict) else None
    components = {
        (component.get("code") or {}).get("text"): component.get("valueString")
        for component in resource.get("component") or [] if isinstance(component, dict)
    }
    session_id = components.get("session")
    if session_id is None:
        for part in resource.get("partOf") or []:
            session_id = sessions_by_url.get((part or {}).get("reference"))
    notes = [note.get("text") for note in resource.get("note") or []
             if isinstance(note, dict) and isinstance(note.get("text"), str)]
    return {
        "at": resource.get("effectiveDateTime"),
        "area": area,
        "rating": value,
        "phase": components.get("phase") or "check-in",
        "note": "\n".join(notes),
        "session_id": session_id,
        "muscle": components.get("muscle"),
        "technique": components.get("technique"),
        "id": _identifier(resource, RATING_SYSTEM),
    }


def _session_doc(resource: dict) -> dict:
    extensions = {}
    steps = []
    for extension in resource.get("extension") or []:
        url = extension.get("url", "")
        if not url.startswith(EXTENSION):
            continue
        name = url[len(EXTENSION):]
        if name == "step":
            step: dict = {}
            for part in extension.get("extension") or []:
                key = part["url"]
                value = next(part[field] for field in part if field.startswith("value"))
                step[key] = value
            steps.append(step)
        else:
            extensions[name] = next(extension[field] for field in extension
                                    if field.startswith("value"))
    period = resource["performedPeriod"]
    started = datetime.fromisoformat(period["start"])
    finished = datetime.fromisoformat(period["end"]) if period.get("end") else None
    day = extensions.get("day") or started.date().isoformat()
    date.fromisoformat(day)
    done_s = extensions.get("done-seconds")
    if done_s is None:
        done_s = int((finished - started).total_seconds()) if finished else 0
    return {
        "id": _identifier(resource, SESSION_SYSTEM),
        "day": day,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat() if finished else None,
        "planned_s": int(extensions.get("planned-seconds", done_s)),
        "done_s": int(done_s),
        "steps": steps,
        "status": STATUS_FROM_FHIR.get(resource.get("status"), "finished"),
    }


def dumps(bundle: dict) -> str:
    return json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"
