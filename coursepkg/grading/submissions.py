"""Finding the submitted notebooks, whose they are, which solution each answers, and reading them.

A submission is a .ipynb file. Under a folder given on the command line (the submissions root),
its student is the **first** folder below the root: `root/alice/05_e_step.ipynb` and
`root/alice/week5/05_e_step.ipynb` are both alice's, and `root/alice/bob/05_e_step.ipynb` is
still alice's (a student cannot hand in as someone else by naming a folder). A notebook lying
directly in a folder given on the command line, and a file given on its own, belong to the
folder that holds them (`grade submitted/alice` grades alice's notebooks).
"""

from dataclasses import dataclass
from pathlib import Path

import nbformat


@dataclass(frozen=True)
class Submission:
    """One submitted notebook: where it is, and whose it is."""

    path: Path
    student: str


def find_submissions(paths):
    """(submissions, problems): a Submission per .ipynb file under `paths` (checkpoints skipped), and the
    paths that do not exist or hold no notebook."""
    found, problems = [], []
    for raw in paths:
        root = Path(raw)
        if root.is_dir():
            files = sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and p.is_file())
            if not files:
                problems.append(f"{root}: no .ipynb file in this folder")
            for p in files:
                parts = p.relative_to(root).parts
                found.append(Submission(p.resolve(), parts[0] if len(parts) > 1 else student_of(p)))
        elif root.is_file():
            found.append(Submission(root.resolve(), student_of(root)))
        else:
            problems.append(f"{root}: no such file or folder")
    unique = list({s.path: s for s in reversed(found)}.values())[::-1]  # a file named twice: its first name
    return unique, problems


def student_of(path):
    """The student of a notebook given on its own: the name of the folder holding it."""
    return Path(path).resolve().parent.name or "unknown"


def match_solution(stem, solution_stems):
    """The solution a submitted notebook answers: same name, else the longest solution name it starts with
    (so "05_e_step-Copy1" or "05_e_step (1)" still match 05_e_step)."""
    if stem in solution_stems:
        return stem
    prefixes = [s for s in solution_stems if stem.startswith(s)]
    return max(prefixes, key=len) if prefixes else None


def read_submission(path):
    """(notebook, None), or (None, why it cannot be graded): not a .ipynb file, not JSON, or not a valid
    notebook by nbformat's schema. Missing or duplicate cell ids are repaired (nbformat does it when it
    validates)."""
    path = Path(path)
    if path.suffix != ".ipynb":
        return None, f"is not a notebook (expected a .ipynb file, got {path.name!r})"
    invalid = {}
    try:
        nb = nbformat.read(path, as_version=4, capture_validation_error=invalid)
        if invalid:
            raise invalid["ValidationError"]
    except Exception as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return None, f"could not be read as a notebook ({type(exc).__name__}: {reason})"
    return nb, None
