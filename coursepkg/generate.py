"""Student versions of the exercise notebooks, generated from the solutions.

    python -m coursepkg generate [--source solutions] [--dest exercises] [--check]

Every notebook `solutions/NN_topic.ipynb` becomes `exercises/NN_topic.ipynb` plus its paired
py:percent twin `exercises/NN_topic.py`:

- each region between `### BEGIN SOLUTION` and `### END SOLUTION` becomes a stub at the
  indentation of the BEGIN line (`# YOUR CODE HERE` and `raise NotImplementedError(...)`), or
  "YOUR ANSWER HERE" in a markdown cell;
- each region between `### BEGIN HIDDEN TESTS` and `### END HIDDEN TESTS` is removed;
- outputs and execution counts are cleared; all metadata (nbgrader's too) is kept, so every
  cell of an exercise still maps to its grade_id.

The markers follow nbgrader, so `solutions/` is also an nbgrader source folder as it is
(the rules for markers, stubs and metadata are in coursepkg.nbgrader_source, shared with grading).
Generation is deterministic: running it twice gives byte-identical files. `--check` writes
nothing and exits non-zero when the destination is stale.
"""

import difflib
import re
from pathlib import Path

import jupytext
import nbformat

from .nbgrader_source import MarkerError, cell_label, check_grade_ids, read_solution, solution_paths, student_source

__all__ = ["MarkerError", "expected_files", "generate", "make_exercise", "render", "stale_report"]

_VERSION_LINE = re.compile(r"^#\s+jupytext_version: .*\n", flags=re.MULTILINE)


def make_exercise(nb, where="notebook"):
    """The student version of a solution notebook (a new notebook; `nb` is left as it is)."""
    check_grade_ids(nb, where)
    out = nbformat.reads(nbformat.writes(nb), as_version=4)
    for index, cell in enumerate(out.cells):
        label = f"{where}, {cell_label(cell, index)}"
        if cell.cell_type in ("code", "markdown"):
            cell.source = student_source(cell, label)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return out


def render(nb):
    """(ipynb text, py:percent text) of a notebook, exactly as jupytext writes them."""
    ipynb_text = jupytext.writes(nb, fmt="ipynb")
    if not ipynb_text.endswith("\n"):
        ipynb_text += "\n"
    py_text = jupytext.writes(jupytext.reads(ipynb_text, fmt="ipynb"), fmt="py:percent")
    return ipynb_text, py_text


def expected_files(source):
    """{file name: text} of every exercise file that `source` generates."""
    files = {}
    for path in solution_paths(source):
        exercise = make_exercise(read_solution(path), where=str(path))
        ipynb_text, py_text = render(exercise)
        files[f"{path.stem}.ipynb"] = ipynb_text
        files[f"{path.stem}.py"] = py_text
    return files


def generate(source="solutions", dest="exercises"):
    """Write the student versions; return the list of files written or changed."""
    files = expected_files(source)  # everything is built (and validated) before anything is written
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in files.items():
        target = dest / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


def _normalise(text):
    return _VERSION_LINE.sub("", text)


def stale_report(source="solutions", dest="exercises", max_diff_lines=12):
    """A list of problems (empty when `dest` is exactly what `source` generates)."""
    files = expected_files(source)
    dest = Path(dest)
    problems = []
    for name, text in files.items():
        target = dest / name
        if not target.exists():
            problems.append(f"{target}: missing")
            continue
        current = target.read_text(encoding="utf-8")
        if _normalise(current) == _normalise(text):
            continue
        diff = list(
            difflib.unified_diff(
                current.splitlines(), text.splitlines(), f"{target} (committed)", f"{target} (fresh)", n=0, lineterm=""
            )
        )
        changed = sum(1 for line in diff[2:] if line[:1] in "+-")
        shown = "\n".join("      " + line for line in diff[2 : 2 + max_diff_lines])
        more = "\n      ..." if len(diff) > 2 + max_diff_lines else ""
        problems.append(f"{target}: stale ({changed} lines differ)\n{shown}{more}")
    if dest.exists():
        for path in sorted(dest.glob("*.ipynb")) + sorted(dest.glob("*.py")):
            if path.name not in files:
                problems.append(f"{path}: not generated from {source} (no solution notebook {path.stem}.ipynb)")
    return problems
