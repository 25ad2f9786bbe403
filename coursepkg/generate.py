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

The markers follow nbgrader, so `solutions/` is also an nbgrader source folder as it is.
Generation is deterministic: running it twice gives byte-identical files. `--check` writes
nothing and exits non-zero when the destination is stale.
"""

import difflib
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
_VERSION_LINE = re.compile(r"^#\s+jupytext_version: .*\n", flags=re.MULTILINE)


class MarkerError(ValueError):
    """A solution notebook whose BEGIN/END markers do not pair up."""


@dataclass(frozen=True)
class Region:
    """Lines [begin, end] (inclusive, marker lines included) of one marked region of a cell."""

    kind: str  # "SOLUTION" or "HIDDEN TESTS"
    begin: int
    end: int
    indent: str


def nbgrader_meta(cell):
    """The cell's nbgrader metadata ({} if none)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def cell_label(cell, index):
    grade_id = nbgrader_meta(cell).get("grade_id")
    return f"cell {index}" + (f" ({grade_id})" if grade_id else "")


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
    grade_id = nbgrader_meta(cell).get("grade_id", "")
    for suffix in ("_solution", "_answer", "_code", "_sol"):
        if grade_id.endswith(suffix):
            return grade_id[: -len(suffix)]
    return grade_id or "this exercise"


def code_stub(indent, name):
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
    if nbgrader_meta(cell).get("solution") and not solution_regions:
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


def check_grade_ids(nb, where):
    """Refuse duplicate grade_ids and grade cells without points (both break grading)."""
    seen = {}
    for index, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if not grade_id:
            if meta.get("grade") or meta.get("solution") or meta.get("locked"):
                raise MarkerError(f"{where}: {cell_label(cell, index)} has nbgrader metadata but no grade_id")
            continue
        if grade_id in seen:
            raise MarkerError(f"{where}: grade_id {grade_id!r} is used by cells {seen[grade_id]} and {index}")
        seen[grade_id] = index
        if meta.get("grade") and not meta.get("solution"):
            points = meta.get("points")
            if not isinstance(points, (int, float)) or points < 0:
                raise MarkerError(
                    f"{where}: grade cell {grade_id!r} needs a non-negative number of points; got {points!r}"
                )


def read_solution(path):
    """A solution notebook (the .ipynb, or its py:percent twin when there is no .ipynb)."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    return jupytext.read(path)


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


def solution_paths(source):
    """The solution notebooks of a folder: every NN_topic.ipynb (or a .py with no .ipynb twin)."""
    source = Path(source)
    notebooks = {p.stem: p for p in source.glob("*.ipynb")}
    for p in source.glob("*.py"):
        if p.stem not in notebooks and p.read_text(encoding="utf-8").lstrip().startswith("# ---\n# jupyter:"):
            notebooks[p.stem] = p
    return [notebooks[stem] for stem in sorted(notebooks)]


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
