"""The shape every exercise notebook shares, so a student knows what each task asks of them and costs.

Each task's heading says its points, difficulty, expected time and kind:

    ## Exercise 3 — Statistics about a reference point (2 points · ★★☆ · about 15 min · derive)

(★☆☆ warm-up, ★★☆ standard, ★★★ challenging; the kind is implement, derive, predict or decide). The
points in the heading are the points of the exercise's graded cells; each notebook has at least two tasks
in which the student derives, predicts or decides, and ends with what was practised.
"""

import re
from pathlib import Path

import nbformat
import pytest

SOLUTIONS = sorted((Path(__file__).parents[1] / "solutions").glob("[0-9][0-9]_*.ipynb"))
HEADING = re.compile(r"^## Exercise (\d+) — (.+) \((\d+) points? · (★☆☆|★★☆|★★★) · about (\d+) min · (\w+)\)$")
KINDS = {"implement", "derive", "predict", "decide"}
THINKING = {"derive", "predict", "decide"}
LAST = "## What you practised"


def _exercises(nb):
    """[(heading line, points of the graded cells up to the next exercise heading)]."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## Exercise"):
                    found.append([line.strip(), 0.0])
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and found:
            found[-1][1] += float(meta.get("points", 0))
    return found


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_task_states_points_difficulty_time_and_kind(path):
    nb = nbformat.read(path, as_version=4)
    exercises = _exercises(nb)
    assert exercises, f"{path.name} has no '## Exercise N — ...' heading"
    for number, (heading, points) in enumerate(exercises, start=1):
        match = HEADING.match(heading)
        form = "## Exercise N — Title (P points · ★★☆ · about M min · kind)"
        assert match, f"{path.name}: {heading!r} does not read {form!r}"
        assert int(match[1]) == number, f"{path.name}: exercise {match[1]} is the {number}th exercise"
        assert match[6] in KINDS, f"{path.name}: kind {match[6]!r} is not one of {sorted(KINDS)}"
        assert 1 <= int(match[5]) <= 60, f"{path.name}: {heading!r} expects {match[5]} min"
        assert int(match[3]) == points, f"{path.name}: {heading!r} says {match[3]} points; its cells give {points:g}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_at_least_two_tasks_make_the_student_think(path):
    kinds = [HEADING.match(h)[6] for h, _ in _exercises(nbformat.read(path, as_version=4)) if HEADING.match(h)]
    thinking = [k for k in kinds if k in THINKING]
    assert len(thinking) >= 2, f"{path.name}: tasks of kinds {kinds}; at least two must be derive, predict or decide"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_the_notebook_ends_with_what_was_practised(path):
    nb = nbformat.read(path, as_version=4)
    headings = [
        line.strip()
        for c in nb.cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("## ")
    ]
    assert headings and headings[-1] == LAST, f"{path.name}: the last section is {headings[-1:]}, not {LAST!r}"
