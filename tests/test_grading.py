"""`coursepkg grade`: submissions run in fresh kernels, locked cells restored, a gradebook and feedback.

The slow tests grade many notebooks in one call each (parallel jobs): the blank exercises and
the solutions, and the deliberately wrong submissions of tests/submissions/.
"""

import csv
import hashlib
import importlib.util
import sys
import time
from pathlib import Path

import nbformat
import pytest

from coursepkg import cli
from coursepkg.generate import generate, make_exercise, nbgrader_meta, read_solution, student_source
from coursepkg.grading import execute, find_submissions, grade, match_solution, restore_locked_cells

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
FIXTURES = ROOT / "tests" / "fixtures" / "solutions"
SUBMISSIONS = ROOT / "tests" / "submissions"
REAL = sorted(SOLUTIONS.glob("*.ipynb"))
SOURCE = SOLUTIONS if REAL else FIXTURES
TIMEOUT = 5  # seconds per cell in the tests (setup cells get more: they hold only the teacher's code)
JOBS = 2

_spec = importlib.util.spec_from_file_location("make_submissions", SUBMISSIONS / "make_submissions.py")
make_submissions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_submissions)


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _gradebook(out):
    with open(Path(out) / "gradebook.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _cell(nb, grade_id):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def _ids(nb):
    return [nbgrader_meta(c).get("grade_id") for c in nb.cells]


# ---------------------------------------------------------------------------------------------
# restoring locked cells (no kernel)


@pytest.fixture(scope="module")
def solution():
    return read_solution(FIXTURES / "05_e_step.ipynb")


def test_an_untouched_exercise_needs_no_restoring(solution):
    nb, notes = restore_locked_cells(make_exercise(solution), solution)
    assert notes == []
    assert _ids(nb) == _ids(solution)
    # the hidden tests come back from the solution
    assert "BEGIN HIDDEN TESTS" in _cell(nb, "ex1_check").source
    assert "NotImplementedError" in _cell(nb, "ex1_solution").source  # the student's own cells are kept


def test_a_deleted_check_cell_is_put_back_after_its_exercise(solution):
    exercise = make_exercise(solution)
    exercise.cells = [c for c in exercise.cells if nbgrader_meta(c).get("grade_id") not in ("ex2_check", "setup")]
    nb, notes = restore_locked_cells(exercise, solution)
    assert _ids(nb) == _ids(solution)
    assert _cell(nb, "ex2_check").source == _cell(solution, "ex2_check").source
    assert any("check cell ex2_check was missing" in n and "restored" in n for n in notes)
    assert any("locked cell setup was missing" in n for n in notes)


def test_an_edited_check_cell_is_restored_and_reported(solution):
    exercise = make_exercise(solution)
    _cell(exercise, "ex2_check").source = 'print("✓ e_step: all checks passed")'
    _cell(exercise, "setup").source += "\nimport os"
    nb, notes = restore_locked_cells(exercise, solution)
    assert _cell(nb, "ex2_check").source == _cell(solution, "ex2_check").source
    assert _cell(nb, "setup").source == _cell(solution, "setup").source
    assert "check cell ex2_check was edited; the original was restored." in notes
    assert "locked cell setup was edited; the original was restored." in notes


def test_copies_and_invented_check_cells_earn_nothing(solution):
    exercise = make_exercise(solution)
    copy = nbformat.from_dict(dict(_cell(exercise, "ex1_check")))
    invented = nbformat.v4.new_code_cell(
        "print('bonus')",
        metadata={"nbgrader": {"grade": True, "grade_id": "bonus", "points": 100, "solution": False, "locked": True}},
    )
    exercise.cells += [copy, invented]
    nb, _ = restore_locked_cells(exercise, solution)
    graded = [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c).get("grade")]
    assert graded == ["ex1_check", "ex2_check"]


def test_submissions_are_found_and_matched(tmp_path):
    (tmp_path / "ann" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "ann" / "05_e_step.ipynb").write_text("{}")
    (tmp_path / "ann" / ".ipynb_checkpoints" / "05_e_step-checkpoint.ipynb").write_text("{}")
    (tmp_path / "ann" / "notes.txt").write_text("x")
    files, problems = find_submissions([tmp_path, tmp_path / "nobody"])
    assert [p.name for p in files] == ["05_e_step.ipynb"]
    assert problems == [f"{tmp_path / 'nobody'}: no such file or folder"]
    stems = {"05_e_step", "06_m_step"}
    assert match_solution("05_e_step", stems) == "05_e_step"
    assert match_solution("05_e_step-Copy1", stems) == "05_e_step"
    assert match_solution("homework", stems) is None


def test_unreadable_files_are_reported_not_fatal(tmp_path, capsys):
    (tmp_path / "bob").mkdir()
    garbage = tmp_path / "bob" / "05_e_step.ipynb"
    garbage.write_text("not json at all")
    text = tmp_path / "bob" / "05_e_step.txt"
    text.write_text("my answers")
    empty = tmp_path / "cat" / "05_e_step.ipynb"
    empty.parent.mkdir()
    empty.write_text('{"cells": 3}')
    out = tmp_path / "out"
    assert cli.main(["grade", str(garbage), str(text), str(empty), "--out", str(out), "--source", str(FIXTURES)]) == 0
    err = capsys.readouterr().err
    assert "could not be read as a notebook" in err and "is not a notebook" in err
    rows = _gradebook(out)
    assert [(r["student"], r["total"], r["max"]) for r in rows] == [
        ("bob", "0", "3"),
        ("bob", "0", "3"),
        ("cat", "0", "3"),
    ]
    assert all(r["ex1_check"] == "0" and r["ex2_check"] == "0" for r in rows)
    feedback = (out / "feedback" / "bob" / "05_e_step.md").read_text()
    assert "could not be graded" in feedback and "It scores 0" in feedback


# ---------------------------------------------------------------------------------------------
# running notebooks (kernels)


def test_a_dead_or_deaf_kernel_is_restarted_and_grading_goes_on():
    cells = [
        "x = 1",
        "import os\nos._exit(1)",  # the kernel dies
        "print(x)",  # replayed state after the restart
        # a loop that swallows the interrupt: the kernel does not answer, it is restarted
        "import time\nwhile True:\n    try:\n        time.sleep(0.01)\n    except BaseException:\n        pass",
        "y = 2",
        "assert x + y == 3",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    start = time.perf_counter()
    outcome = execute(nb, timeout=3)
    elapsed = time.perf_counter() - start
    assert [outcome[i]["status"] for i in range(len(cells))] == ["ok", "dead", "ok", "timeout", "ok", "ok"]
    assert elapsed < 90


@pytest.fixture(scope="module")
def blank_and_solutions(tmp_path_factory):
    """Grade, in one parallel call, every generated exercise (as 'blank') and every solution (as 'teacher')."""
    tmp = tmp_path_factory.mktemp("grade-all")
    generate(SOURCE, tmp / "blank")
    (tmp / "teacher").mkdir()
    for path in sorted(SOURCE.glob("*.ipynb")):
        (tmp / "teacher" / path.name).write_bytes(path.read_bytes())
    before = {p: _sha(p) for p in (tmp / "teacher").glob("*.ipynb")}
    start = time.perf_counter()
    results = grade([tmp / "blank", tmp / "teacher"], tmp / "out", timeout=60, source=SOURCE, jobs=JOBS, log=None)
    wall = time.perf_counter() - start
    print(
        f"\ngraded {len(results)} notebooks in {wall:.1f} s: "
        + ", ".join(f"{r.student}/{r.notebook} {r.seconds:.1f} s" for r in results)
    )
    assert {p: _sha(p) for p in before} == before, "grading wrote to a submission"
    return {(r.student, r.notebook): r for r in results}, tmp / "out"


NAMES = [p.stem for p in (REAL or sorted(FIXTURES.glob("*.ipynb")))]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_blank_exercises_score_zero(blank_and_solutions, name):
    results, _ = blank_and_solutions
    r = results[("blank", name)]
    assert r.status == "graded"
    assert r.max_points > 0 and r.total == 0
    assert all("not implemented yet" in e.message or e.notes for e in r.exercises), [e.message for e in r.exercises]
    assert not r.notes, r.notes


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_solutions_get_full_marks(blank_and_solutions, name):
    results, _ = blank_and_solutions
    r = results[("teacher", name)]
    failed = {e.grade_id: e.message for e in r.exercises if not e.passed}
    assert r.status == "graded" and not failed, failed
    assert r.total == r.max_points > 0
    assert not r.notes, r.notes


@pytest.mark.slow
def test_gradebook_and_feedback_files(blank_and_solutions):
    results, out = blank_and_solutions
    rows = _gradebook(out)
    columns = list(rows[0])
    assert columns[:2] == ["student", "notebook"] and columns[-3:] == ["total", "max", "status"]
    assert len(rows) == len(results)
    for row in rows:
        r = results[(row["student"], row["notebook"])]
        ids = {e.grade_id for e in r.exercises}
        for column in columns[2:-3]:
            assert (row[column] != "") == (column in ids)
        assert float(row["total"]) == r.total and float(row["max"]) == r.max_points
        feedback = (out / "feedback" / row["student"] / f"{row['notebook']}.md").read_text()
        assert f"Score: {row['total']} / {row['max']} points" in feedback
        for e in r.exercises:
            assert f"## {e.grade_id}: " in feedback
    assert (out / "results.json").exists()


# ---------------------------------------------------------------------------------------------
# the deliberately wrong submissions


def test_wrong_submissions_are_up_to_date():
    built = make_submissions.build()
    committed = {str(p.relative_to(SUBMISSIONS)): p.read_text(encoding="utf-8") for p in SUBMISSIONS.glob("*/*.ipynb")}
    assert set(built) == set(committed), "run: python tests/submissions/make_submissions.py"
    stale = [name for name in built if built[name] != committed[name]]
    assert not stale, f"{stale} are stale; run: python tests/submissions/make_submissions.py"


@pytest.fixture(scope="module")
def wrong(tmp_path_factory):
    out = tmp_path_factory.mktemp("wrong")
    source = make_submissions.source_notebook().parent
    before = {p: _sha(p) for p in SUBMISSIONS.glob("*/*.ipynb")}
    start = time.perf_counter()
    code = cli.main(
        [
            "grade",
            str(SUBMISSIONS),
            "--out",
            str(out),
            "--source",
            str(source),
            "--timeout",
            str(TIMEOUT),
            "--jobs",
            str(JOBS),
        ]
    )
    wall = time.perf_counter() - start
    assert code == 0
    assert {p: _sha(p) for p in before} == before, "grading wrote to a submission"
    import json

    results = {r["student"]: r for r in json.loads((out / "results.json").read_text())}
    print(
        f"\nwrong submissions graded in {wall:.1f} s: "
        + ", ".join(f"{s} {r['seconds']:.1f} s" for s, r in results.items())
    )
    return results, out


# the points of the real 05_e_step exercise notebook, and what each wrong submission must score
POINTS = {"ex1_check": 1, "ex2_check": 3, "ex3_check": 1, "ex4_check": 1}
TOTALS = {
    "wrong_axis": 3,
    "pdf_underflow": 3,
    "infinite_loop": 3,
    "deleted_check": 6,
    "fake_pass": 3,
    "student_exception": 3,
    "transposed": 3,
    "garbage": 0,
}


def test_wrong_submissions_derive_from_the_real_e_step_notebook():
    assert make_submissions.source_notebook() == SOLUTIONS / "05_e_step.ipynb"
    assert set(TOTALS) == set(make_submissions.STUDENTS)
    solution = read_solution(make_submissions.source_notebook())
    points = {
        nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"]
        for c in solution.cells
        if nbgrader_meta(c).get("grade")
    }
    assert points == POINTS
    assert "def e_step(X, weights, means, covs):" in _cell(solution, make_submissions.target()["solution"]).source


@pytest.mark.slow
@pytest.mark.parametrize("student", list(make_submissions.STUDENTS))
def test_wrong_submission_scores_and_feedback(wrong, student):
    results, out = wrong
    what, zero, words = make_submissions.STUDENTS[student]
    r = results[student]
    target = make_submissions.target()
    check_id = target["check"]
    points = {e["grade_id"]: e["points"] for e in r["exercises"]}
    maximum = {e["grade_id"]: e["max_points"] for e in r["exercises"]}
    assert maximum == POINTS
    assert (r["total"], r["max"]) == (TOTALS[student], sum(POINTS.values())), f"{student} ({what})"
    if zero == "all":
        assert r["status"] != "graded" and r["total"] == 0
    else:
        assert r["status"] == "graded"
        expected = {g: (0 if (zero == "check" and g == check_id) else m) for g, m in maximum.items()}
        assert points == expected, f"{student} ({what})"
    feedback = (out / "feedback" / student / f"{make_submissions.source_notebook().stem}.md").read_text()
    assert f"**Score: {TOTALS[student]} / 6 points**" in feedback
    for word in words:
        assert word in feedback, f"{student}: {word!r} missing from the feedback:\n{feedback}"
    if student == "fake_pass":  # the printed fake pass never reaches the feedback
        assert "✓ e_step" not in feedback and "✗ e_step" in feedback
    hidden = read_solution(make_submissions.source_notebook())
    for cell in hidden.cells:  # no hidden test code in any feedback
        for line in set(cell.source.splitlines()) - set(student_source(cell).splitlines()):
            if nbgrader_meta(cell).get("grade") and line.strip() and "HIDDEN TESTS" not in line:
                assert line.strip() not in feedback


@pytest.mark.slow
def test_an_infinite_loop_costs_only_the_timeout(wrong):
    results, _ = wrong
    others = [r["seconds"] for s, r in results.items() if s not in ("infinite_loop", "garbage")]
    assert results["infinite_loop"]["seconds"] < max(others) + 2 * TIMEOUT + 10


@pytest.mark.slow
def test_the_submission_is_never_written(tmp_path):
    path = tmp_path / "dan" / "05_e_step.ipynb"
    path.parent.mkdir()
    path.write_bytes((SUBMISSIONS / "fake_pass" / make_submissions.source_notebook().name).read_bytes())
    digest, mtime = _sha(path), path.stat().st_mtime_ns
    grade([path], tmp_path / "out", timeout=TIMEOUT, source=make_submissions.source_notebook().parent, jobs=1, log=None)
    assert _sha(path) == digest and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in path.parent.iterdir()) == ["05_e_step.ipynb"]  # nothing written beside it either


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v", "-s"]))
