"""Finding the submitted notebooks, whose they are, which solution each answers, and reading them.

A submission is a .ipynb file; its student is the name of the folder that holds it.
"""

from pathlib import Path

import nbformat


def find_submissions(paths):
    """(files, problems): the .ipynb files under `paths` (checkpoints skipped), and paths that do not exist."""
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and p.is_file())
            if not found:
                problems.append(f"{path}: no .ipynb file in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such file or folder")
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, problems


def student_of(path):
    """The student who handed in `path`: the name of the folder holding it."""
    return Path(path).parent.name or "unknown"


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
