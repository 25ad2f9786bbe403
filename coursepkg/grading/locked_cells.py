"""Putting the solution's locked cells back into a submission before it runs (what nbgrader's OverwriteCells does).

Locked cells are the teacher's: setup cells, and check cells with their hidden tests. Whatever
the student did to them, the notebook that runs has the solution's version, matched by grade_id.
"""

import copy
import warnings

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor
from nbformat.validator import normalize
from nbformat.warnings import DuplicateCellId, MissingIDFieldWarning

from ..nbgrader_source import grade_id, has_mangled_meta, is_check, is_locked, nbgrader_meta, student_source


def _without_outputs(nb):
    """A copy of `nb` with the outputs and execution counts of its code cells cleared."""
    nb = nbformat.from_dict(copy.deepcopy(nb))
    ClearOutputPreprocessor().preprocess(nb, {})
    return nb


def _is_restorable(cell):
    return is_locked(cell) and bool(grade_id(cell))


def _kind(cell):
    return "check cell" if is_check(cell) else "locked cell"


def _role(cell):
    """What a cell's nbgrader metadata makes it (nbgrader's own additions, such as a checksum, aside)."""
    meta = nbgrader_meta(cell)
    return {key: meta.get(key) for key in ("grade", "solution", "locked", "task", "points", "grade_id")}


def _normalised(source):
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _unchanged(cell, original):
    """Whether the student's `cell` still is `original`: as handed out (hidden tests stripped) or as in the solution."""
    if cell.get("cell_type") != original.get("cell_type"):
        return False
    handed_out = student_source(original, f"solution cell {grade_id(original)}")
    return _normalised(cell.get("source", "")) in (_normalised(handed_out), _normalised(original.source))


def note_is_about(note, cell_grade_id):
    """Whether `note` (one of the notes of restore_locked_cells) is about the cell with that grade_id."""
    return f" {cell_grade_id} was " in note


def restore_locked_cells(submission, solution):
    """(notebook to run, notes): a copy of the submission, outputs cleared, with every locked cell of the
    solution put back.

    An edited locked cell is replaced by the original (hidden tests included); a deleted one is
    inserted after the cell that precedes it in the solution; duplicates of a locked cell, and
    locked or check cells the solution does not have, lose their grade metadata (they run, but
    earn nothing). Neither argument is changed.
    """
    submission, solution = _without_outputs(submission), _without_outputs(solution)
    originals = {grade_id(c): c for c in solution.cells if _is_restorable(c)}
    notes, cells, seen = [], [], set()
    for number, cell in enumerate(submission.cells, start=1):
        if has_mangled_meta(cell):
            # unreadable nbgrader metadata makes the cell no answer, check or locked cell: an edited cell
            notes.append(
                f"cell {number} carried nbgrader metadata that is not valid (edited by hand?): it was treated as "
                "an edited cell, its metadata removed, and the solution's locked cells restored."
            )
            cell["metadata"].pop("nbgrader", None)
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = {}
        cell_id = grade_id(cell)
        if cell_id in originals and cell_id not in seen:
            original = originals[cell_id]
            if not _unchanged(cell, original) or _role(cell) != _role(original):
                notes.append(f"{_kind(original)} {cell_id} was edited; the original was restored.")
            cells.append(original)
            seen.add(cell_id)
            continue
        if cell_id in seen or is_locked(cell):
            # a copy of a locked cell, or a locked/check cell the solution does not have: it earns nothing
            cell["metadata"].pop("nbgrader", None)
        cells.append(cell)

    def position(cell):
        """Where `cell` of the solution stands in `cells`: matched by grade_id, else by cell id."""
        wanted_grade_id, wanted_id = grade_id(cell), cell.get("id")
        for i, c in enumerate(cells):
            if (wanted_grade_id and grade_id(c) == wanted_grade_id) or (
                not wanted_grade_id and wanted_id and c.get("id") == wanted_id
            ):
                return i
        return None

    front = 0
    for index, original in enumerate(solution.cells):
        cell_id = grade_id(original)
        if not _is_restorable(original) or cell_id in seen:
            continue
        anchor = next((position(c) for c in reversed(solution.cells[:index]) if position(c) is not None), None)
        if anchor is None:
            cells.insert(front, original)
            front += 1
        else:
            cells.insert(anchor + 1, original)
        seen.add(cell_id)
        notes.append(
            f"{_kind(original)} {cell_id} was missing (deleted, or its metadata removed); the original was restored."
        )

    notebook = nbformat.v4.new_notebook(metadata=solution.metadata)
    notebook.cells = cells
    with warnings.catch_warnings():
        # a restored cell shares its id with the student's copy of it, and old notebooks have no ids
        warnings.simplefilter("ignore", DuplicateCellId)
        warnings.simplefilter("ignore", MissingIDFieldWarning)
        _, notebook = normalize(notebook)  # every cell gets a unique id
    return nbformat.from_dict(notebook), notes
