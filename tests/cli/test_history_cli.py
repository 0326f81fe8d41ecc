"""`coach history`, `coach history delete ID` and `coach log --undo` through the real entry point:
a wrong rating can be fixed, the deletion is kept (and exported), and the trends follow."""

from __future__ import annotations

import json

from .conftest import assert_one_line_error


def test_undo_deletes_the_last_rating_and_keeps_an_audit_entry(coach, tmp_path):
    assert coach("log", "neck", "4", "--note", "after lunch").returncode == 0
    assert coach("log", "neck", "9").returncode == 0  # the slip: meant 3
    undone = coach("log", "--undo")
    assert undone.returncode == 0, undone.stderr
    assert "Deleted neck 9/10" in undone.stdout
    entries = json.loads(coach("history", "--json").stdout)["entries"]
    kinds = [(entry["kind"], entry["rating"]) for entry in entries]
    assert kinds == [("deleted", 9), ("check-in", 4)]
    assert entries[1]["note"] == "after lunch"
    # the deletion travels with an export: nothing vanishes silently
    out = tmp_path / "out.json"
    assert coach("export", "-o", str(out)).returncode == 0
    exported = json.loads(out.read_text())
    [deleted] = [event for event in exported["events"] if event["kind"] == "rating-deleted"]
    assert deleted["rating"]["rating"] == 9
    # the report follows: only the 4 is left
    report = json.loads(coach("report", "--json").stdout)
    assert report["weeks"][-1]["areas"]["neck"]["mean"] == 4


def test_history_delete_by_id_and_text_by_day(coach):
    assert coach("log", "shoulders", "6", "--at", "2026-01-15T10:00").returncode == 0
    assert coach("log", "neck", "5").returncode == 0
    entries = json.loads(coach("history", "--json", "--days", "3660").stdout)["entries"]
    old = next(entry for entry in entries if entry["area"] == "shoulders")
    text = coach("history", "--days", "3660").stdout
    assert "2026-01-15" in text and "6/10 Shoulders (check-in)" in text
    deleted = coach("history", "delete", old["id"][:8])
    assert deleted.returncode == 0, deleted.stderr
    assert "Deleted shoulders 6/10" in deleted.stdout
    after = json.loads(coach("history", "--json", "--days", "3660").stdout)["entries"]
    assert [entry["kind"] for entry in after if entry["area"] == "shoulders"] == ["deleted"]


def test_history_bad_input_is_one_sentence(coach):
    assert "no rating to undo" in assert_one_line_error(coach("log", "--undo"))
    assert "--days" in assert_one_line_error(coach("history", "--days", "0"))
    assert "no rating has the ID" in assert_one_line_error(coach("history", "delete", "abcdef"))
    assert "--undo takes no area" in assert_one_line_error(coach("log", "neck", "4", "--undo"))
    assert "give an area and a rating" in assert_one_line_error(coach("log", "neck"))


def test_small_cli_edges_say_what_is_wrong(coach, tmp_path):
    # each seen accepted or misworded when tried as a new user would
    assert "too far in the past" in assert_one_line_error(
        coach("log", "neck", "3", "--at", "1900-01-01"))
    missing = tmp_path / "nonexistent" / "dir" / "x.json"
    assert "does not exist" in assert_one_line_error(coach("export", "-o", str(missing)))
    assert not (tmp_path / "nonexistent").exists()
    assert "is a folder" in assert_one_line_error(coach("catalog", "--check", str(tmp_path)))
    assert "does not exist" in assert_one_line_error(
        coach("catalog", "--check", str(tmp_path / "nope.toml")))
    assert "give the path" in assert_one_line_error(coach("import", ""))
    assert "at least one area" in assert_one_line_error(coach("today", "--areas", ""))
    assert "the end comes before the start" in assert_one_line_error(
        coach("remind", "set", "--quiet", "12:00-11:00"))
