"""nbgrader still works on solutions/ as a source: the same scores as `coursepkg grade` on the same files.

A throw-away nbgrader course gets exercise 05's solution as an assignment, with the README's
ignore list; `nbgrader generate_assignment` and `nbgrader autograde` run on three submissions
(the solution's answers, the blank release, and a wrong E-step) and `nbgrader export` gives the
scores, which must equal what `coursepkg grade` gives the same files.
"""

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursepkg.grading import grade
from coursepkg.nbgrader_source import grade_id, is_solution

ROOT = Path(__file__).resolve().parents[1]
NAME = "05_e_step.ipynb"
SOLUTION = ROOT / "solutions" / NAME
WRONG = ROOT / "tests" / "submissions" / "wrong_axis" / NAME
README_IGNORE = re.search(r"c\.CourseDirectory\.ignore = (\[.*\])", (ROOT / "README.md").read_text())

pytest.importorskip("nbgrader", reason="nbgrader is in the test extra: pip install -e '.[test]'")


def _nbgrader(course, *args):
    # nbgrader runs `alembic` from PATH: the environment's own scripts first; no user config
    env = os.environ | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                        "JUPYTER_CONFIG_DIR": str(course / ".jupyter")}
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True, timeout=600, env=env
    )
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _filled(release, solution):
    """The released notebook with each answer cell holding the solution's code (a student who got it right)."""
    answers = {grade_id(c): c.source for c in solution.cells if is_solution(c) and grade_id(c)}
    for cell in release.cells:
        if is_solution(cell) and grade_id(cell) in answers:
            cell.source = re.sub(r"\s*### (BEGIN|END) SOLUTION\n?", "\n", answers[grade_id(cell)]).strip() + "\n"
    return release


def test_readme_ignore_list_is_what_this_test_uses():
    assert README_IGNORE and "*.py" in README_IGNORE[1]


def test_nbgrader_gives_the_scores_coursepkg_gives(tmp_path):
    course = tmp_path / "course"
    (course / "source" / "ps05").mkdir(parents=True)
    for path in SOLUTION.parent.glob("05_e_step.*"):  # the .ipynb and its paired .py, as in solutions/
        shutil.copy(path, course / "source" / "ps05" / path.name)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.ignore = {README_IGNORE[1]}\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course / 'gradebook.db'}'\n"
        "c.ExecutePreprocessor.timeout = 120\n"
    )
    _nbgrader(course, "generate_assignment", "ps05", "--create", "--force")
    release = course / "release" / "ps05"
    assert sorted(p.name for p in release.iterdir()) == [NAME], "the paired .py (solutions in clear) was released"

    blank = nbformat.read(release / NAME, as_version=4)
    full = _filled(nbformat.read(release / NAME, as_version=4), nbformat.read(SOLUTION, as_version=4))
    submissions = {"full": full, "blank": blank, "wrong": nbformat.read(WRONG, as_version=4)}
    ours_root = tmp_path / "ours"
    for student, nb in submissions.items():
        for folder in (course / "submitted" / student / "ps05", ours_root / student):
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / NAME)

    _nbgrader(course, "autograde", "ps05", "--create", "--force")
    _nbgrader(course, "export", "--to", str(tmp_path / "grades.csv"))
    with open(tmp_path / "grades.csv", newline="") as f:
        theirs = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)}

    results = grade([ours_root], tmp_path / "out", timeout=60, source=SOLUTION.parent, jobs=2, log=None)
    ours = {r.student: r.total for r in results}
    assert ours == theirs, f"coursepkg {ours} against nbgrader {theirs}"
    maximum = results[0].max_points
    assert ours["full"] == maximum and ours["blank"] == 0 and 0 < ours["wrong"] < maximum
