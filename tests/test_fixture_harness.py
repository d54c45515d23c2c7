"""The fixture harness itself: the annotation grammar, severities, and known gaps (todo-)."""

from __future__ import annotations

from .fixture_harness import read_expectations


def expectations(tmp_path, text):
    path = tmp_path / "compose.yaml"
    path.write_text(text, encoding="utf-8")
    return read_expectations(path)


TEXT = """\
services:
  app:
    # expect: CAP001 critical, CAP002 high
    # ok: NS001
    privileged: true
    # todo-expect: MNT001 medium
    volumes: [/srv:/srv]
    # todo-ok: USR003
    user: "1000"
"""


def test_stacked_annotations_speak_of_the_next_real_line_with_their_severity(tmp_path):
    exp = expectations(tmp_path, TEXT)
    assert exp.expected == {("CAP001", 5, "critical"), ("CAP002", 5, "high")}
    assert exp.ok == {("NS001", 5)}
    assert exp.marks["todo-expect"] == {("MNT001", 7, "medium")}
    assert exp.marks["todo-ok"] == {("USR003", 9, None)}
    assert exp.codes == {"CAP001", "CAP002", "NS001", "MNT001", "USR003"} and not exp.malformed


def test_severity_is_compared(tmp_path):
    exp_found = {("CAP001", 5, "critical"), ("CAP002", 5, "medium")}
    verdict = expectations(tmp_path, TEXT).compare(exp_found | {("USR003", 9, "low")})
    assert verdict.missing == [("CAP002", 5, "high")] and verdict.unexpected == [("CAP002", 5, "medium")]


def test_known_gaps_are_reported_not_failed(tmp_path):
    found = {("CAP001", 5, "critical"), ("CAP002", 5, "high"), ("USR003", 9, "low")}
    verdict = expectations(tmp_path, TEXT).compare(found)
    assert not verdict.failures
    assert verdict.known_gaps == [("MNT001", 7, "medium"), ("USR003", 9)]


def test_a_todo_that_starts_to_hold_fails_so_it_is_promoted(tmp_path):
    found = {("CAP001", 5, "critical"), ("CAP002", 5, "high"), ("MNT001", 7, "medium")}  # gap closed, FP gone
    verdict = expectations(tmp_path, TEXT).compare(found)
    assert verdict.promote == ["todo-expect ('MNT001', 7, 'medium') now holds", "todo-ok ('USR003', 9) now holds"]
    assert verdict.failures and not verdict.known_gaps


def test_a_todo_expect_flagged_at_another_severity_is_still_a_gap(tmp_path):
    found = {("CAP001", 5, "critical"), ("CAP002", 5, "high"), ("MNT001", 7, "low"), ("USR003", 9, "low")}
    verdict = expectations(tmp_path, TEXT).compare(found)
    assert not verdict.failures and ("MNT001", 7, "medium") in verdict.known_gaps


def test_flagging_an_ok_line_fails(tmp_path):
    found = {("CAP001", 5, "critical"), ("CAP002", 5, "high"), ("NS001", 5, "high"), ("USR003", 9, "low")}
    assert expectations(tmp_path, TEXT).compare(found).wrongly_flagged == [("NS001", 5)]


def test_malformed_annotations_are_caught(tmp_path):
    exp = expectations(tmp_path, "# expect: CAP001 severe\n# ok: CAP001 high\n# expect: CAP001\nx: 1\n")
    assert exp.malformed == ["line 1: expect: 'CAP001 severe'", "line 2: ok: 'CAP001 high'"]
    assert exp.expected == {("CAP001", 4, None)}  # read, but the meta-test demands the severity
