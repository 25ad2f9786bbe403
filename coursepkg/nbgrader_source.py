"""The teacher's solution notebooks in nbgrader's source format, as both `generate` and `grading` read them.

Where the solution notebooks of a folder are and how to read one; what a cell's nbgrader
metadata makes it (answer, check, locked, read-only setup, manually graded); the
`### BEGIN/END SOLUTION` and `### BEGIN/END HIDDEN TESTS` regions of its source; and the
student's version of a cell (each solution region a stub, hidden tests removed). The rules
are nbgrader's (schema version 3), so `solutions/` is also an nbgrader source folder.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"
BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"
CODE_STUB = "# YOUR CODE HERE"
ANSWER_STUB = "YOUR ANSWER HERE"

_MARKER = re.compile(r"^(?P<indent>\s*)(?:#+|//)?\s*(?P<word>(?:BEGIN|END) (?:SOLUTION|HIDDEN TESTS))\s*$")


class MarkerError(ValueError):
    """A solution notebook whose BEGIN/END markers do not pair up, or whose nbgrader metadata would break grading."""


# ---------------------------------------------------------------------------------------------
# the solution notebooks of a folder


def solution_paths(source):
    """The solution notebooks of a folder: every NN_topic.ipynb (or a .py with no .ipynb twin)."""
    source = Path(source)
    notebooks = {p.stem: p for p in source.glob("*.ipynb")}
    for p in source.glob("*.py"):
        if p.stem not in notebooks and p.read_text(encoding="utf-8").lstrip().startswith("# ---\n# jupyter:"):
            notebooks[p.stem] = p
    return [notebooks[stem] for stem in sorted(notebooks)]


def read_solution(path):
    """A solution notebook (the .ipynb, or its py:percent twin when there is no .ipynb)."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    return jupytext.read(path)


# ---------------------------------------------------------------------------------------------
# what a cell's nbgrader metadata makes it


def nbgrader_meta(cell):
    """The cell's nbgrader metadata ({} if none, or if it is not a mapping: mangled metadata makes no cell
    an answer, a check or a locked cell)."""
    metadata = cell.get("metadata", {})
    meta = metadata.get("nbgrader", {}) if isinstance(metadata, dict) else {}
    return meta if isinstance(meta, dict) else {}


def has_mangled_meta(cell):
    """Whether the cell carries nbgrader metadata that is not a mapping, or a grade_id that is not a string."""
    metadata = cell.get("metadata", {})
    if not isinstance(metadata, dict) or "nbgrader" not in metadata:
        return False
    meta = metadata["nbgrader"]
    return not isinstance(meta, dict) or not isinstance(meta.get("grade_id", ""), str)


def grade_id(cell):
    """The cell's nbgrader grade_id, or None."""
    value = nbgrader_meta(cell).get("grade_id")
    return value if isinstance(value, str) and value else None


def points(cell):
    """The points the cell is worth (0 when it says none)."""
    return float(nbgrader_meta(cell).get("points", 0))


def is_solution(cell):
    """An answer cell: the student writes in it."""
    return bool(nbgrader_meta(cell).get("solution"))


def is_check(cell):
    """An autograded check cell (nbgrader's "autograder tests"): graded, not an answer, with a grade_id."""
    return bool(nbgrader_meta(cell).get("grade")) and not is_solution(cell) and bool(grade_id(cell))


def is_manually_graded(cell):
    """A graded answer cell (a written answer): the teacher grades it by hand."""
    return bool(nbgrader_meta(cell).get("grade")) and is_solution(cell)


def is_locked(cell):
    """A cell the student may not change (nbgrader's rule): a graded non-answer cell, or one marked locked."""
    meta = nbgrader_meta(cell)
    return not is_solution(cell) and bool(meta.get("grade") or meta.get("locked"))


def is_read_only(cell):
    """A locked cell that is neither graded nor an answer: the teacher's setup code (imports, data) or text."""
    return is_locked(cell) and not nbgrader_meta(cell).get("grade")


def cell_label(cell, index):
    """`cell 3 (ex1_check)`: how messages name a cell."""
    return f"cell {index}" + (f" ({grade_id(cell)})" if grade_id(cell) else "")


def check_grade_ids(nb, where):
    """Refuse duplicate grade_ids and grade cells without points (both break grading); MarkerError."""
    seen = {}
    for index, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        cell_id = grade_id(cell)
        if not cell_id:
            if meta.get("grade") or meta.get("solution") or meta.get("locked"):
                raise MarkerError(f"{where}: {cell_label(cell, index)} has nbgrader metadata but no grade_id")
            continue
        if cell_id in seen:
            raise MarkerError(f"{where}: grade_id {cell_id!r} is used by cells {seen[cell_id]} and {index}")
        seen[cell_id] = index
        if meta.get("grade") and not meta.get("solution"):
            worth = meta.get("points")
            if not isinstance(worth, (int, float)) or worth < 0:
                raise MarkerError(
                    f"{where}: grade cell {cell_id!r} needs a non-negative number of points; got {worth!r}"
                )


# ---------------------------------------------------------------------------------------------
# marker regions and the student's version of a cell


@dataclass(frozen=True)
class Region:
    """Lines [begin, end] (inclusive, marker lines included) of one marked region of a cell."""

    kind: str  # "SOLUTION" or "HIDDEN TESTS"
    begin: int
    end: int
    indent: str


def find_regions(source, where="cell"):
    """The marked regions of a cell's source, in order; MarkerError if they do not pair up."""
    regions, open_marker = [], None
    for lineno, line in enumerate(source.splitlines()):
        match = _MARKER.match(line)
        if not match:
            if any(w in line for w in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)) and "###" in line:
                raise MarkerError(
                    f"{where}, line {lineno + 1}: a marker must stand alone on its line: {line.strip()!r}"
                )
            continue
        word = match["word"]
        kind = word.split(" ", 1)[1]
        if word.startswith("BEGIN"):
            if open_marker is not None:
                raise MarkerError(
                    f"{where}, line {lineno + 1}: '{word}' inside the region opened at line {open_marker[1] + 1} "
                    f"('BEGIN {open_marker[0]}'); close it with 'END {open_marker[0]}' first"
                )
            open_marker = (kind, lineno, match["indent"])
        else:
            if open_marker is None or open_marker[0] != kind:
                raise MarkerError(f"{where}, line {lineno + 1}: '{word}' without a matching 'BEGIN {kind}' before it")
            regions.append(Region(kind, open_marker[1], lineno, open_marker[2]))
            open_marker = None
    if open_marker is not None:
        raise MarkerError(
            f"{where}, line {open_marker[1] + 1}: 'BEGIN {open_marker[0]}' is never closed by 'END {open_marker[0]}'"
        )
    return regions


def exercise_name(cell):
    """A short name for the exercise a cell belongs to: its grade_id without the usual suffix."""
    name = grade_id(cell) or ""
    for suffix in ("_solution", "_answer", "_code", "_sol"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name or "this exercise"


def code_stub(indent, name):
    """The lines that replace a solution region of exercise `name` in a code cell."""
    hint = f"Exercise {name}: write your code here, then run the check cell below"
    return [f"{indent}{CODE_STUB}", f'{indent}raise NotImplementedError("{hint}")']


def strip_hidden_tests(source, where="cell"):
    """The source without its hidden-test regions (markers included)."""
    lines = source.splitlines()
    for region in reversed([r for r in find_regions(source, where) if r.kind == "HIDDEN TESTS"]):
        del lines[region.begin : region.end + 1]
    return "\n".join(lines).rstrip()


def student_source(cell, where="cell"):
    """The student's version of one cell's source."""
    source = cell.get("source", "")
    regions = find_regions(source, where)
    lines = source.splitlines()
    is_markdown = cell.get("cell_type") == "markdown"
    solution_regions = [r for r in regions if r.kind == "SOLUTION"]
    if is_solution(cell) and not solution_regions:
        # nbgrader's rule: a solution cell without markers is replaced as a whole
        return ANSWER_STUB if is_markdown else "\n".join(code_stub("", exercise_name(cell)))
    for region in reversed(regions):
        if region.kind == "HIDDEN TESTS":
            replacement = []
        elif is_markdown:
            replacement = [ANSWER_STUB]
        else:
            replacement = code_stub(region.indent, exercise_name(cell))
        lines[region.begin : region.end + 1] = replacement
    return "\n".join(lines).rstrip()
