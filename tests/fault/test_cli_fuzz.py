"""Fuzzing `coach log` and `coach import` in-process: exit 0, 1 or 2, one clean line, and a
rejected call changes nothing in the data directory."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coach.cli import run
from tests.helpers import snapshot_dir

pytestmark = [pytest.mark.fault, pytest.mark.xdist_group("fault")]

SEED_DIR = Path(tempfile.mkdtemp(prefix="coach-fuzz-seed-"))


def seeded_home() -> Path:
    """A fresh copy of a small store, so every example starts from the same bytes."""
    if not (SEED_DIR / "ratings").exists():
        with patched_home(SEED_DIR):
            for day in range(1, 8):
                call(["log", "neck", str(day), "--at", f"2026-11-{day:02d}T09:00"])
    home = Path(tempfile.mkdtemp(prefix="coach-fuzz-"))
    shutil.rmtree(home)
    shutil.copytree(SEED_DIR, home)
    return home


@contextlib.contextmanager
def patched_home(home: Path):
    previous = os.environ.get("COACH_HOME")
    os.environ["COACH_HOME"] = str(home)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("COACH_HOME", None)
        else:
            os.environ["COACH_HOME"] = previous


def call(argv: list[str]) -> tuple[int, str]:
    """Run the real entry point in-process; (exit code, stderr)."""
    errors = io.StringIO()
    code = 0
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        try:
            run(argv)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
    return code, errors.getvalue()


def check_call(argv: list[str]) -> int:
    home = seeded_home()
    try:
        with patched_home(home):
            before = snapshot_dir(home)
            code, errors = call(argv)
            assert code in (0, 1, 2), (argv, code, errors)
            assert "Traceback" not in errors, (argv, errors)
            assert "unexpected error" not in errors, (argv, errors)
            if code != 0:
                assert len(errors.strip().splitlines()) == 1, (argv, errors)
                assert snapshot_dir(home) == before, argv
        return code
    finally:
        shutil.rmtree(home, ignore_errors=True)


now = datetime.now().astimezone()
texts = st.text(max_size=30)
areas = st.sampled_from(["neck", "Neck", "low-back", "Low back", "nek", "", " ", "-x"]) | texts
ratings = st.sampled_from(["0", "5", "10", "11", "-1", "5.5", "abc", "", "05", "1e1"]) | texts
stamps = st.sampled_from([
    "2026-11-20T09:00", "2026-11-20T09:00+05:30", "2026-11-20", "yesterday", "",
    "0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00", "2026-03-29T02:30",
    (now + timedelta(hours=23)).isoformat(), (now + timedelta(days=2)).isoformat(),
]) | st.datetimes().map(datetime.isoformat) | texts
notes = st.text(max_size=50) | st.sampled_from(["x" * 2000, "x" * 2001])


@st.composite
def log_arguments(draw):
    argv = ["log", draw(areas), draw(ratings)]
    if draw(st.booleans()):
        argv += ["--phase", draw(st.sampled_from(["before", "after", "check-in", "during"]))]
    if draw(st.booleans()):
        argv += ["--at", draw(stamps)]
    if draw(st.booleans()):
        argv += ["--note", draw(notes)]
    if draw(st.integers(0, 5)) == 0:
        argv += draw(st.lists(texts, max_size=2))
    return argv


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log_arguments())
def test_fuzz_log(argv):
    event(f"exit {check_call(argv)}")


cells = st.sampled_from(["neck", "jaw", "nek", "5", "11", "-1", "before", "during", "",
                         "2026-11-20T09:00", "2026-11-20T09:00+01:00", "tomorrow"]) | texts
csv_rows = st.lists(st.lists(cells, min_size=0, max_size=6), max_size=6)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children,
                                                                        max_size=3),
    max_leaves=10,
)


@st.composite
def import_files(draw) -> bytes:
    kind = draw(st.sampled_from(["csv", "export", "json", "bytes"]))
    if kind == "csv":
        header = draw(st.sampled_from(["at,area,rating,phase,note", "at,area,rating",
                                       "AT,Area,Rating,Phase,Note", "nonsense"]))
        lines = [header] + [",".join(row) for row in draw(csv_rows)]
        return "\n".join(lines).encode()
    if kind == "export":
        rating = {"at": draw(stamps), "area": draw(areas), "rating": draw(
            st.integers(-2, 12) | ratings), "phase": draw(st.sampled_from(
                ["before", "after", "check-in", "x"])), "note": draw(notes)}
        data = {"format": "coach-export", "version": draw(st.sampled_from([1, 2, "1"])),
                "ratings": draw(st.lists(st.just(rating) | json_values, max_size=3)),
                "sessions": draw(st.lists(json_values, max_size=2)),
                "events": draw(st.lists(json_values, max_size=2)),
                "profile": draw(st.none() | json_values),
                "settings": draw(st.none() | json_values)}
        return json.dumps(data).encode()
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    return draw(st.binary(max_size=200))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(import_files())
def test_fuzz_import(content):
    with tempfile.NamedTemporaryFile(suffix=".data", delete=False) as handle:
        handle.write(content)
    try:
        event(f"exit {check_call(['import', handle.name])}")
    finally:
        os.unlink(handle.name)


def test_fuzz_helpers_see_a_rejected_call():
    """The harness itself: a bad rating really is rejected with exit 2."""
    assert check_call(["log", "neck", "11"]) == 2
    assert check_call(["log", "neck", "3", "--at", "2026-11-20T09:00"]) == 0
