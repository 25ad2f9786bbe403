"""Trusted inputs frozen before any student code runs.

The solutions are read once, into memory, and hashed; the submissions are copied into a private
staging folder (readable by the grader alone) and hashed. Grading then reads only these copies.
Between notebooks the grader looks again: if a solution file changed, was added or removed under
it, the run stops (`SourcesChanged`); a submission that changed after it was staged is graded as
staged, and its row says so.
"""

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

from ..nbgrader_source import solution_paths


class SourcesChanged(RuntimeError):
    """A solution notebook changed while grading ran: the rows graded so far are kept, the run stops."""


def sha256(data):
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FrozenSolution:
    """One solution notebook as it was read before grading began."""

    path: Path
    text: str
    digest: str

    @property
    def stem(self):
        return self.path.stem

    def notebook(self):
        """The solution as a fresh notebook object (each caller gets its own copy)."""
        if self.path.suffix == ".ipynb":
            return nbformat.reads(self.text, as_version=4)
        return jupytext.reads(self.text, fmt="py:percent")


class FrozenSources:
    """Every solution notebook of `source`, read and hashed once."""

    def __init__(self, source):
        self.source = Path(source)
        self.solutions = {}
        for path in solution_paths(self.source):
            data = path.read_bytes()
            self.solutions[path.stem] = FrozenSolution(path, data.decode("utf-8"), sha256(data))

    def changes(self):
        """What differs now from what was read: [] when nothing did."""
        now = {p.stem: p for p in solution_paths(self.source)}
        problems = [f"{stem} was added" for stem in sorted(set(now) - set(self.solutions))]
        problems += [f"{stem} was removed" for stem in sorted(set(self.solutions) - set(now))]
        for stem, frozen in self.solutions.items():
            if stem in now:
                try:
                    changed = sha256(now[stem].read_bytes()) != frozen.digest
                except OSError:
                    changed = True
                if changed:
                    problems.append(f"{now[stem].name} changed")
        return problems

    def check_unchanged(self):
        problems = self.changes()
        if problems:
            raise SourcesChanged(
                f"the solutions in {self.source} changed while grading ran ({'; '.join(problems)}): grading "
                "stopped; the rows graded before the change are kept. Find out what changed them, then grade again."
            )


@dataclass(frozen=True)
class Staged:
    """A submission copied into the staging folder: the copy is what gets graded."""

    original: Path
    student: str
    copy: Path
    digest: str

    def changed_since_staged(self):
        try:
            return sha256(self.original.read_bytes()) != self.digest
        except OSError:
            return True


class Staging:
    """A private folder holding a copy of each submission, removed on close."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="coursepkg-staging-"))
        os.chmod(self.folder, 0o700)

    def stage(self, submissions):
        """A Staged per Submission, copied (in order) into the staging folder."""
        staged = []
        for i, submission in enumerate(submissions):
            data = submission.path.read_bytes()
            copy = self.folder / f"{i:05d}" / submission.path.name
            copy.parent.mkdir()
            copy.write_bytes(data)
            staged.append(Staged(submission.path, submission.student, copy, sha256(data)))
        return staged

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
