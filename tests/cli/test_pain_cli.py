"""`coach log` and `coach report` through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import snapshot_dir

COACH = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "coach")


def coach(home: Path, *args: str, tz: str = "Europe/Berlin") -> subprocess.CompletedProcess:
    env = {**os.environ, "COACH_HOME": str(home), "TZ": tz}
    return subprocess.run([COACH, *args], env=env, capture_output=True, text=True, timeout=60)


def stored(home: Path) -> list[dict]:
    docs = []
    for month in sorted((home / "ratings").glob("*.json")):
        docs += json.loads(month.read_text())["ratings"].values()
    return docs


def test_log_stores_utc_instant_with_the_local_offset(tmp_path):
    # 10:00 local on a summer day in Berlin is +02:00; in winter +01:00
    summer = coach(tmp_path, "log", "Neck", "4", "--at", "2026-07-01T10:00", "--phase", "before")
    winter = coach(tmp_path, "log", "neck", "6", "--at", "2026-01-15T10:00", "--note", "stiff")
    assert summer.returncode == 0, summer.stderr
    assert winter.returncode == 0, winter.stderr
    docs = {doc["rating"]: doc for doc in stored(tmp_path)}
    assert docs[4]["at"] == "2026-07-01T10:00:00+02:00"
    assert (docs[4]["area"], docs[4]["phase"]) == ("neck", "before")
    assert docs[6]["at"] == "2026-01-15T10:00:00+01:00"
    assert (docs[6]["phase"], docs[6]["note"]) == ("check-in", "stiff")


def test_log_honours_tz_and_explicit_offsets(tmp_path):
    assert coach(tmp_path, "log", "jaw", "2", "--at", "2026-07-01T10:00",
                 tz="America/New_York").returncode == 0
    assert coach(tmp_path, "log", "jaw", "3", "--at", "2026-07-01T10:00+05:30").returncode == 0
    ats = sorted(doc["at"] for doc in stored(tmp_path))
    assert ats == ["2026-07-01T10:00:00+05:30", "2026-07-01T10:00:00-04:00"]


def test_log_without_at_is_now(tmp_path):
    before = datetime.now().astimezone()
    result = coach(tmp_path, "log", "neck", "0")
    assert result.returncode == 0, result.stderr
    [doc] = stored(tmp_path)
    moment = datetime.fromisoformat(doc["at"])
    assert before - timedelta(seconds=1) <= moment <= datetime.now().astimezone()
    assert moment.utcoffset() == datetime.now(moment.tzinfo).utcoffset()


@pytest.mark.parametrize("args, words", [
    (["neck", "11"], "whole number from 0"),
    (["neck", "-1"], "whole number from 0"),
    (["neck", "5.5"], "whole number from 0"),
    (["neck", "abc"], "whole number from 0"),
    (["nek", "5"], "did you mean neck"),
    (["neck", "5", "--at", "next tuesday"], "ISO 8601"),
    (["neck", "5", "--at", "2099-01-01T00:00"], "future"),
    (["neck", "5", "--note", "x" * 2001], "2,000"),
    (["neck", "5", "--phase", "during"], "during"),
])
def test_bad_input_exits_2_with_one_sentence_and_changes_nothing(tmp_path, args, words):
    assert coach(tmp_path, "log", "neck", "5", "--at", "2026-11-20T09:00").returncode == 0
    before = snapshot_dir(tmp_path)
    result = coach(tmp_path, "log", *args)
    assert result.returncode == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert snapshot_dir(tmp_path) == before


def test_report_json_text_and_csv(tmp_path):
    for day, value in ((9, 6), (10, 6), (11, 6), (16, 3), (17, 4), (18, 3)):
        result = coach(tmp_path, "log", "neck", str(value), "--at", f"2026-11-{day:02d}T09:00")
        assert result.returncode == 0, result.stderr
    result = coach(tmp_path, "report", "--weeks", "2", "--until", "2026-11-22", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [week["week"] for week in report["weeks"]] == ["2026-W46", "2026-W47"]
    assert report["weeks"][0]["start"] == "2026-11-09"
    assert report["weeks"][1]["end"] == "2026-11-22"
    neck = report["weeks"][1]["areas"]["neck"]
    assert neck == {"mean": 3.33, "n": 3, "min": 3, "max": 4, "change": -2.67,
                    "change_pct": -44.4, "flag": "improving", "baseline": 6.0,
                    "baseline_change": -2.67, "baseline_flag": "improving", "high": False}

    text = coach(tmp_path, "report", "--weeks", "2", "--until", "2026-11-22")
    assert text.returncode == 0
    assert "neck" in text.stdout and "improving" in text.stdout
    assert "▅▃" in text.stdout  # the sparkline: 6.0 then 3.33 on the 0-10 scale

    table = coach(tmp_path, "report", "--weeks", "2", "--until", "2026-11-22", "--csv")
    lines = table.stdout.splitlines()
    assert lines[0] == "week,start,end,area,mean,n,min,max,change,change_pct,flag"
    assert lines[2] == "2026-W47,2026-11-16,2026-11-22,neck,3.33,3,3,4,-2.67,-44.4,improving"


def test_report_on_an_empty_store_and_bad_options(tmp_path):
    result = coach(tmp_path, "report")
    assert result.returncode == 0
    assert "No pain ratings" in result.stdout
    both = coach(tmp_path, "report", "--json", "--csv")
    assert both.returncode == 2 and "not both" in both.stderr
    bad_day = coach(tmp_path, "report", "--until", "22/11/2026")
    assert bad_day.returncode == 2 and "YYYY-MM-DD" in bad_day.stderr
    assert coach(tmp_path, "report", "--weeks", "0").returncode == 2
