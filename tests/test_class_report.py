"""The class report (coursepkg.grading.class_report): which mistakes the class made, and how often.

Real wrong submissions (tests/submissions/) are graded in the sandbox, and the counts of mistakes.csv and
of the report are checked; `coursepkg report DIR` rebuilds the same files from results.json; the edge cases
(nothing gradable, an exercise nobody attempted, a notebook whose checks all timed out, hostile names)
are built as results.json rows.
"""

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from coursepkg import cli
from coursepkg.grading import Sandbox, class_report, grade
from coursepkg.grading.sandbox import SandboxUnavailable, check_available

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "submissions"
STUDENTS = ["wrong_axis", "fake_pass", "pdf_underflow", "transposed", "student_exception", "infinite_loop", "garbage"]
FILES = ["class_report.md", "class_report.html", "mistakes.csv", "class_report_05_e_step.png"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    try:
        check_available()
    except SandboxUnavailable as exc:
        pytest.skip(f"no sandbox on this machine: {exc}")
    out = tmp_path_factory.mktemp("class")
    args = [str(SUBMISSIONS / s) for s in STUDENTS]
    code = cli.main(
        ["grade", *args, "--out", str(out), "--source", str(ROOT / "solutions"), "--timeout", "5", "--jobs", "2"]
    )
    assert code == 0
    return out


def _rows(out):
    with open(out / "mistakes.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_mistakes_csv_counts_each_students_mistake(sandboxed, graded):
    rows = _rows(graded)
    assert {(r["student"], r["exercise"], r["mistake"]) for r in rows} == {
        ("wrong_axis", "ex2_check", "e_step.wrong_axis"),
        ("fake_pass", "ex2_check", "e_step.wrong_axis"),
        ("pdf_underflow", "ex2_check", "e_step.pdf_underflow"),
        ("transposed", "ex2_check", "e_step.transposed"),
        ("student_exception", "ex2_check", "e_step.raised"),
        ("infinite_loop", "ex2_check", "e_step.timeout"),
    }
    assert len(rows) == 6  # one row each: the hidden call the failure stopped is no mistake of its own
    assert Counter(r["mistake"] for r in rows)["e_step.wrong_axis"] == 2
    by = {r["student"]: r["message"] for r in rows}
    assert "you normalised over points (axis=0)" in by["wrong_axis"]
    assert "NameError: name 'log_norm' is not defined" in by["student_exception"]
    data = {r["student"]: r for r in json.loads((graded / "results.json").read_text())}
    ex2 = {e["grade_id"]: e for e in data["transposed"]["exercises"]}
    assert ex2["ex2_check"]["mistakes"] == ["e_step.transposed"] and ex2["ex1_check"]["mistakes"] == []


def test_the_report_ranks_the_mistakes_and_names_the_lesson_section(sandboxed, graded):
    text = (graded / "class_report.md").read_text(encoding="utf-8")
    assert "7 submitted notebook(s) from 7 student(s); 6 graded, 1 could not be graded." in text
    assert "- garbage: could not be read as a notebook" in text
    assert "| 3 / 6 | 6 |" in text  # the score distribution: all six graded ones lose the 3 points of ex2
    assert "| ex2_check | 0 of 6 | 0% | `e_step.wrong_axis` (2) |" in text
    assert "| ex1_check | 6 of 6 | 100% | – |" in text
    table = text.split("#### ex2_check: 0 of 6 passed (0%)")[1].split("####")[0]
    lines = [line for line in table.splitlines() if line.startswith("| `")]
    assert lines[0].startswith("| `e_step.wrong_axis` | 2 | 05_e_step, § 2. Responsibilities are a posterior")
    assert "fake_pass, wrong_axis" in lines[0]
    assert {line.split("`")[1] for line in lines[1:]} == {
        "e_step.pdf_underflow",
        "e_step.raised",
        "e_step.timeout",
        "e_step.transposed",
    }
    assert "05_e_step, § 4. When the textbook formula fails" in table
    assert "![pass rate and top mistakes of 05_e_step](class_report_05_e_step.png)" in text
    page = (graded / "class_report.html").read_text(encoding="utf-8")
    assert '<img src="class_report_05_e_step.png"' in page and "<table>" in page
    assert (graded / "class_report_05_e_step.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_coursepkg_report_rebuilds_the_same_report(sandboxed, graded, tmp_path):
    before = {name: (graded / name).read_bytes() for name in FILES}
    for name in FILES:
        (graded / name).unlink()
    assert cli.main(["report", str(graded)]) == 0
    assert {name: (graded / name).read_bytes() for name in FILES} == before


# ---------------------------------------------------------------- edge cases, from results.json rows


def _exercise(gid, passed, mistakes=(), message="", points=1):
    return {
        "grade_id": gid,
        "points": points if passed else 0,
        "max_points": points,
        "passed": passed,
        "message": message,
        "notes": [],
        "mistakes": list(mistakes),
    }


def _row(student, exercises, notebook="05_e_step", status="graded"):
    total = sum(e["points"] for e in exercises)
    return {
        "student": student,
        "notebook": notebook,
        "path": f"{student}/{notebook}.ipynb",
        "status": status,
        "exercises": exercises,
        "notes": [],
        "manual": [],
        "seconds": 1.0,
        "total": total,
        "max": sum(e["max_points"] for e in exercises),
    }


def test_a_folder_with_no_gradable_submissions(tmp_path):
    (tmp_path / "empty").mkdir()
    results = grade(
        [tmp_path / "empty"], tmp_path / "out", source=ROOT / "solutions", log=None, sandbox=Sandbox(enabled=False)
    )
    assert results == []
    text = (tmp_path / "out" / "class_report.md").read_text()
    assert "**No submissions were found: there is nothing to report.**" in text
    assert (tmp_path / "out" / "mistakes.csv").read_text().splitlines() == ["student,notebook,exercise,mistake,message"]
    only_ungraded = [_row("ann", [_exercise("ex1_check", False)], status="could not be read as a notebook")]
    text = class_report.report_text(only_ungraded)
    assert "**No submission of this notebook could be graded: there are no scores or mistakes.**" in text


def test_an_exercise_nobody_attempted(tmp_path):
    data = [
        _row(s, [_exercise("ex1_check", True), _exercise("ex2_check", False, ["e_step.not_implemented"])])
        for s in ("ann", "bob")
    ]
    class_report.write_class_report(data, tmp_path)
    text = (tmp_path / "class_report.md").read_text()
    part = text.split("#### ex2_check: 0 of 2 passed (0%)")[1]
    assert part.lstrip().startswith("**Nobody attempted this exercise**")
    assert "| `e_step.not_implemented` | 2 |" in part
    assert "**Nobody attempted" not in text.split("#### ex2_check")[0]


def test_a_notebook_whose_checks_all_timed_out(tmp_path):
    data = [
        _row(
            s, [_exercise("ex1_check", False, ["logsumexp.timeout"]), _exercise("ex2_check", False, ["e_step.timeout"])]
        )
        for s in ("ann", "bob")
    ]
    class_report.write_class_report(data, tmp_path)
    text = (tmp_path / "class_report.md").read_text()
    assert "**Every check of this notebook timed out in every graded submission**" in text
    assert "| `e_step.timeout` | 2 | the check cell timed out | ann, bob |" in text
    mixed = data[:1] + [_row("cy", [_exercise("ex1_check", True), _exercise("ex2_check", False, ["e_step.timeout"])])]
    assert "timed out in every" not in class_report.report_text(mixed)


def test_student_names_and_messages_are_escaped(tmp_path):
    name = "<script>alert(1)</script> | *x*"
    message = "✗ e_step: your function raised ValueError: <img src=x onerror=alert(1)> | `code`"
    data = [_row(name, [_exercise("ex2_check", False, ["e_step.raised"], message)]), _row("=cmd", [])]
    class_report.write_class_report(data, tmp_path)
    text = (tmp_path / "class_report.md").read_text()
    page = (tmp_path / "class_report.html").read_text()
    assert "<script>" not in text and "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*x\\*" in text
    row = next(line for line in text.splitlines() if line.startswith("| `e_step.raised`"))
    assert row.count(" | ") == 4  # no cell separator of the student's survives
    rows = _rows(tmp_path)
    assert rows[0]["student"] == name and rows[0]["message"] == message


def test_a_missing_results_json_is_an_error_not_a_crash(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path)]) == 2
    assert "cannot read" in capsys.readouterr().err
