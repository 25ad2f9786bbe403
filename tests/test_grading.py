"""`coursepkg grade`: submissions run in fresh kernels, locked cells restored, a gradebook and feedback.

The slow tests grade many notebooks in one call each (parallel jobs): the blank exercises and
the solutions, and the deliberately wrong submissions of tests/submissions/.
"""

import csv
import hashlib
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.warnings import DuplicateCellId

from coursepkg import cli
from coursepkg.generate import generate, make_exercise
from coursepkg.grading import (
    ExerciseResult,
    NotebookResult,
    execute,
    find_submissions,
    grade,
    match_solution,
    read_submission,
    restore_locked_cells,
    write_reports,
)
from coursepkg.grading.locked_cells import note_is_about
from coursepkg.grading.reports import format_points
from coursepkg.nbgrader_source import nbgrader_meta, read_solution, student_source

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


def test_restoring_copies_clears_outputs_and_makes_cell_ids_unique(solution):
    exercise = make_exercise(solution)
    check = _cell(exercise, "ex1_check")
    check.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✓ fake")]
    check.execution_count = 7
    exercise.cells.append(nbformat.from_dict(dict(check)))  # a copy: same cell id
    before, solution_before = json.dumps(exercise), json.dumps(solution)
    nb, notes = restore_locked_cells(exercise, solution)
    assert json.dumps(exercise) == before and json.dumps(solution) == solution_before
    assert notes == []
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == len(ids) == len(exercise.cells)
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    nbformat.validate(nb)


def test_notes_name_the_cell_they_are_about(solution):
    exercise = make_exercise(solution)
    exercise.cells = [c for c in exercise.cells if nbgrader_meta(c).get("grade_id") != "ex2_check"]
    _, notes = restore_locked_cells(exercise, solution)
    assert [n for n in notes if note_is_about(n, "ex2_check")] == notes
    assert not any(note_is_about(n, "ex1_check") for n in notes)
    assert not note_is_about("check cell ex2_check2 was edited; the original was restored.", "ex2_check")


def test_submissions_are_found_and_matched(tmp_path):
    (tmp_path / "ann" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "ann" / "05_e_step.ipynb").write_text("{}")
    (tmp_path / "ann" / ".ipynb_checkpoints" / "05_e_step-checkpoint.ipynb").write_text("{}")
    (tmp_path / "ann" / "notes.txt").write_text("x")
    (tmp_path / "bob" / "alice").mkdir(parents=True)
    (tmp_path / "bob" / "alice" / "06_m_step.ipynb").write_text("{}")
    (tmp_path / "loose.ipynb").write_text("{}")
    found, problems = find_submissions([tmp_path, tmp_path / "nobody", tmp_path / "ann" / "05_e_step.ipynb"])
    # the student is the first folder under the root (bob cannot hand in as alice); a loose file, the folder's
    assert sorted((s.path.name, s.student) for s in found) == [
        ("05_e_step.ipynb", "ann"), ("06_m_step.ipynb", "bob"), ("loose.ipynb", tmp_path.name)
    ]
    assert problems == [f"{tmp_path / 'nobody'}: no such file or folder"]
    stems = {"05_e_step", "06_m_step"}
    assert match_solution("05_e_step", stems) == "05_e_step"
    assert match_solution("05_e_step-Copy1", stems) == "05_e_step"
    assert match_solution("homework", stems) is None


def test_a_submission_is_read_and_checked_by_nbformat(tmp_path, solution):
    good = tmp_path / "05_e_step.ipynb"
    nbformat.write(make_exercise(solution), good)
    nb, problem = read_submission(good)
    assert problem is None and _ids(nb) == _ids(solution)
    text = tmp_path / "05_e_step.txt"
    text.write_text("my answers")
    assert read_submission(text) == (None, "is not a notebook (expected a .ipynb file, got '05_e_step.txt')")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("not json at all")
    assert read_submission(broken) == (
        None,
        "could not be read as a notebook (NotJSONError: Notebook does not appear to be JSON: 'not json at all')",
    )
    # valid JSON, but not a valid notebook: nbformat's schema says what is wrong
    invalid = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    del invalid.cells[0]["outputs"]
    (tmp_path / "invalid.ipynb").write_text(json.dumps(invalid))
    assert read_submission(tmp_path / "invalid.ipynb") == (
        None,
        "could not be read as a notebook (NotebookValidationError: 'outputs' is a required property)",
    )


def test_a_submission_with_duplicate_cell_ids_is_repaired_on_reading(tmp_path):
    cells = [nbformat.v4.new_markdown_cell("a"), nbformat.v4.new_markdown_cell("b")]
    data = json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=cells)))
    data["cells"][1]["id"] = data["cells"][0]["id"]
    (tmp_path / "dup.ipynb").write_text(json.dumps(data))
    with pytest.warns(DuplicateCellId, match="Non-unique cell id"):
        nb, problem = read_submission(tmp_path / "dup.ipynb")
    assert problem is None and len({c.id for c in nb.cells}) == 2


def test_the_command_line_points_to_documentation_that_exists():
    section = re.search(r'the README, section "([^"]+)"', " ".join(cli.__doc__.split()))[1]
    headings = [line.lstrip("#").strip() for line in (ROOT / "README.md").read_text().splitlines() if line[:3] == "## "]
    assert section in headings


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


def test_execute_reports_each_cell_and_leaves_the_notebook_as_it_is():
    cells = ["print('\\x1b[32mhello\\x1b[0m')", "1 / 0", "", "# nothing", "print(2)"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    before = nbformat.writes(nb)
    outcome = execute(nb, timeout=10)
    assert nbformat.writes(nb) == before
    assert outcome == {
        0: {"status": "ok", "ename": "", "evalue": "", "stdout": "hello\n", "records": []},
        1: {"status": "error", "ename": "ZeroDivisionError", "evalue": "division by zero", "stdout": "", "records": []},
        3: {"status": "ok", "ename": "", "evalue": "", "stdout": "", "records": []},
        4: {"status": "ok", "ename": "", "evalue": "", "stdout": "2\n", "records": []},
    }


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
    stub = "not implemented yet: replace `raise NotImplementedError(...)` with your code."
    assert all(e.message.startswith("✗ ") and e.message.endswith(stub) for e in r.exercises), [
        e.message for e in r.exercises
    ]
    # every stub sits in a function the check calls: no answer cell raises, no cell is missing or restored
    assert [(e.grade_id, e.notes) for e in r.exercises if e.notes] == []
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
    assert columns[:3] == ["student", "notebook", "path"] and columns[-3:] == ["total", "max", "status"]
    assert len(rows) == len(results)
    for row in rows:
        r = results[(row["student"], row["notebook"])]
        ids = {e.grade_id for e in r.exercises}
        for column in columns[3:-3]:
            assert (row[column] != "") == (column in ids)
        assert float(row["total"]) == r.total and float(row["max"]) == r.max_points
        feedback = (out / "feedback" / row["student"] / f"{row['notebook']}.md").read_text()
        assert f"Score: {row['total']} / {row['max']} points" in feedback
        for e in r.exercises:
            assert f"## {e.grade_id}: " in feedback
    assert (out / "results.json").exists()


def test_reports_from_results(tmp_path):
    assert [format_points(x) for x in (3, 3.0, 0.5, 0)] == ["3", "3", "0.5", "0"]
    ann = NotebookResult("ann", "05_e_step", "ann/05_e_step.ipynb", seconds=1.25)
    ann.exercises = [
        ExerciseResult("ex1_check", 1, 1, True, "✓ fine"),
        ExerciseResult("ex2_check", 0, 2.5, False, "✗ wrong", ["check cell ex2_check was edited; restored."]),
    ]
    ann.notes = ["check cell ex2_check was edited; restored.", "05_e_step-Copy1.ipynb was graded as 05_e_step."]
    ann.manual = [("ex3_answer", 1.0)]
    bob = NotebookResult("b/o b", "06_m_step", "x.ipynb", status="is not a notebook")
    bob.exercises = [ExerciseResult("ex1_check", 0, 1, False, "0 points")]
    write_reports([ann, bob], tmp_path)
    assert _gradebook(tmp_path) == [
        {"student": "ann", "notebook": "05_e_step", "path": "ann/05_e_step.ipynb", "ex1_check": "1",
         "ex2_check": "0", "total": "1", "max": "3.5", "status": "graded"},
        {"student": "b/o b", "notebook": "06_m_step", "path": "x.ipynb", "ex1_check": "0", "ex2_check": "",
         "total": "0", "max": "1", "status": "is not a notebook"},
    ]  # fmt: skip
    feedback = (tmp_path / "feedback" / "ann" / "05_e_step.md").read_text()
    assert "**Score: 1 / 3.5 points** (written answers to be graded by hand)" in feedback
    assert "| ex2_check | 0 / 2.5 | fail |" in feedback and "## ex2_check: 0 / 2.5, fail" in feedback
    assert "## ex3_answer: written answer (1 points), graded by hand" in feedback
    # a note about an exercise stands under it, the others under Notes
    assert feedback.count("check cell ex2_check was edited") == 1
    assert "## Notes\n\n- 05_e_step-Copy1.ipynb was graded as 05_e_step.\n" in feedback
    assert feedback.endswith("_Graded in 1.2 s._\n")
    assert "could not be graded: is not a notebook" in (tmp_path / "feedback" / "b_o b" / "06_m_step.md").read_text()
    data = json.loads((tmp_path / "results.json").read_text())
    assert [(r["student"], r["total"], r["max"]) for r in data] == [("ann", 1, 3.5), ("b/o b", 0, 1)]


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


@pytest.mark.slow
def test_grading_after_openmp_in_the_grader_process(tmp_path):
    """A grader process that has used OpenMP (scikit-learn's k-means) still grades lesson 13, whose judge runs
    k-means: with forked jobs the job hung until its budget ran out (libgomp is not fork-safe)."""
    import numpy as np
    from sklearn.cluster import KMeans

    KMeans(4, n_init=1, random_state=0).fit(np.random.default_rng(0).normal(size=(5000, 3)))
    notebook = SOLUTIONS / "13_colour_quantisation.ipynb"
    if not notebook.exists():
        pytest.skip("lesson 13's solution is not in this course")
    path = tmp_path / "subs" / "ann" / notebook.name
    path.parent.mkdir(parents=True)
    path.write_bytes(notebook.read_bytes())
    (row,) = grade([tmp_path / "subs"], tmp_path / "out", timeout=60, source=SOLUTIONS, jobs=1, budget=120, log=None)
    assert row.status == "graded" and row.total == row.max_points > 0, row.status


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v", "-s"]))
