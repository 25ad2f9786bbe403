"""Grade a folder of submitted exercise notebooks into a gradebook and feedback files.

    python -m coursepkg grade SUBMISSION... --out DIR [--timeout 30] [--source solutions] [--jobs N]

For each submitted notebook (a file, or every .ipynb found under a folder):

1. the student is the name of the folder holding the notebook; the notebook is matched to
   the solution notebook of the same file name in `--source` (submissions.py);
2. an in-memory copy is made (the submission file is never written to), and every locked
   cell of the solution (setup cells, check cells with their hidden tests) is put back by
   grade_id: an edited one is overwritten, a deleted one is inserted where it stood in the
   solution, and the feedback says so (locked_cells.py);
3. the copy runs top to bottom in a fresh python3 kernel, errors allowed, with a per-cell
   timeout: a cell still running after the timeout is interrupted and grading goes on; a
   kernel that dies is restarted (the cells before are replayed) and grading goes on (kernels.py);
4. a check cell (nbgrader `grade: true`) earns its points when it ran without an error.

Outputs: `DIR/gradebook.csv` (one row per student and notebook), `DIR/feedback/<student>/
<notebook>.md` (per exercise: points, pass or fail, the check's message; never the hidden
test code), and `DIR/results.json` (the same, machine-readable) (reports.py). Submissions are
graded in parallel, one kernel per worker process.

This module holds the steps in order: grade_notebook for one submission, grade for many.
"""

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from tempfile import TemporaryDirectory

from ..nbgrader_source import grade_id, is_check, is_manually_graded, is_solution, points, read_solution, solution_paths
from .kernels import DEFAULT_TIMEOUT, cell_outcome, execute
from .locked_cells import note_is_about, restore_locked_cells
from .reports import feedback_text, format_points, write_feedback, write_gradebook, write_json, write_reports
from .results import ExerciseResult, NotebookResult
from .submissions import find_submissions, match_solution, read_submission, student_of

__all__ = [
    "DEFAULT_TIMEOUT",
    "ExerciseResult",
    "NotebookResult",
    "execute",
    "feedback_text",
    "find_submissions",
    "grade",
    "grade_notebook",
    "match_solution",
    "read_submission",
    "restore_locked_cells",
    "student_of",
    "write_feedback",
    "write_gradebook",
    "write_json",
    "write_reports",
]

# fork reuses the imports already made (seconds on a slow machine); no kernel or event loop exists yet
# in the parent when the pool starts. Elsewhere (macOS, Windows) spawn.
_START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
_STDOUT_LIMIT = 1500  # characters of a passing check's output shown in the feedback


# ---------------------------------------------------------------------------------------------
# one notebook


def _failure_message(result):
    if result["status"] == "timeout":
        limit = result["evalue"].split("after ")[-1]
        return f"timed out after {limit}: the code ran too long (an infinite loop?); the kernel was interrupted."
    ename, evalue = result["ename"], result["evalue"].strip()
    if ename in ("CheckFailed", "AssertionError"):
        return evalue or "a test failed (an assertion without a message)."
    if not evalue and result["status"] == "not run":
        return "not run."
    return f"{ename}: {evalue}" if evalue else ename


def _pass_message(result):
    text = result["stdout"].strip()
    text = text if len(text) <= _STDOUT_LIMIT else "..." + text[-_STDOUT_LIMIT:]
    return text or "the check ran without an error."


def _exercise_spans(solution):
    """[(check cell, [grade_ids of the solution cells before it, since the previous check])]."""
    spans, pending = [], []
    for cell in solution.cells:
        if is_solution(cell) and grade_id(cell):
            pending.append(grade_id(cell))
        if is_check(cell):
            spans.append((cell, pending))
            pending = []
    return spans


def grade_notebook(path, solution_path, timeout=DEFAULT_TIMEOUT, student=None):
    """Grade one submitted notebook against its solution; a NotebookResult (never raises)."""
    path = Path(path)
    start = time.perf_counter()
    result = NotebookResult(student=student or student_of(path), notebook=path.stem, path=str(path))
    try:
        solution = read_solution(solution_path)
        result.notebook = Path(solution_path).stem
        spans = _exercise_spans(solution)
        checks = [ExerciseResult(grade_id(c), 0, points(c), False, "not run.") for c, _ in spans]
        result.exercises = checks
        result.manual = [(grade_id(c), points(c)) for c in solution.cells if is_manually_graded(c)]
        if path.stem != result.notebook:
            result.notes.append(f"{path.name} was graded as {result.notebook} (the closest solution name).")
        submission, problem = read_submission(path)
        if problem:
            result.status = problem
            for ex in checks:
                ex.message = f"0 points: the file {problem}."
            return result
        nb, notes = restore_locked_cells(submission, solution)
        result.notes.extend(notes)
        with TemporaryDirectory(prefix="coursepkg-grade-") as cwd:
            outcome = execute(nb, timeout=timeout, cwd=cwd)
        code_cells = {grade_id(c): c.cell_type == "code" for c in solution.cells}
        where = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
        for ex, (_check, solution_ids) in zip(checks, spans, strict=True):
            run = outcome.get(where.get(ex.grade_id), cell_outcome())
            ex.passed = run["status"] == "ok"
            ex.points = ex.max_points if ex.passed else 0
            ex.message = _pass_message(run) if ex.passed else _failure_message(run)
            for solution_id in solution_ids:
                cell_index = where.get(solution_id)
                if cell_index is None:
                    if code_cells.get(solution_id):
                        ex.notes.append(
                            f"your answer cell {solution_id} is missing (deleted, or its metadata removed)."
                        )
                    continue
                run = outcome.get(cell_index)
                if run and run["status"] in ("error", "timeout", "dead"):
                    ex.notes.append(f"your cell {solution_id} raised an error: {_failure_message(run)}")
            ex.notes.extend(note for note in result.notes if note_is_about(note, ex.grade_id))
    except Exception as exc:  # a bug in the solution notebook or in the grader: report it, do not crash
        result.status = f"grader error: {type(exc).__name__}: {exc}"
        for ex in result.exercises:
            ex.points, ex.passed, ex.message = 0, False, "not graded (grader error)."
    finally:
        result.seconds = round(time.perf_counter() - start, 2)
    return result


# ---------------------------------------------------------------------------------------------
# many notebooks


def _log_one(result, log):
    if log:
        state = "" if result.status == "graded" else f" [{result.status}]"
        score = f"{format_points(result.total)}/{format_points(result.max_points)}"
        log(f"  {result.student}/{result.notebook}: {score} ({result.seconds:.1f} s){state}")


def grade(submissions, out, timeout=DEFAULT_TIMEOUT, source="solutions", jobs=None, log=print):
    """Grade every submission, write the gradebook and feedback into `out`; the list of NotebookResult."""
    files, problems = find_submissions(submissions)
    for problem in problems:
        print(f"coursepkg grade: {problem}", file=sys.stderr)
    solutions = {p.stem: p for p in solution_paths(source)}
    if not solutions:
        raise FileNotFoundError(
            f"no solution notebooks in {source!r}: pass --source with the folder of NN_topic.ipynb files"
        )
    results, tasks = [], []
    for path in files:
        name = match_solution(path.stem, solutions)
        if name is None:
            result = NotebookResult(student_of(path), path.stem, str(path))
            result.status = f"no solution notebook named {path.stem}.ipynb in {source}"
            results.append(result)
        else:
            tasks.append((path, solutions[name]))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    start = time.perf_counter()
    if jobs == 1:
        for path, solution_path in tasks:
            results.append(grade_notebook(path, solution_path, timeout))
            _log_one(results[-1], log)
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context(_START_METHOD)) as pool:
            futures = {pool.submit(grade_notebook, str(p), str(s), timeout): (p, s) for p, s in tasks}
            for future in as_completed(futures):
                path, solution_path = futures[future]
                try:
                    results.append(future.result())
                except Exception as exc:  # the worker process itself failed
                    result = NotebookResult(student_of(path), solution_path.stem, str(path))
                    result.status = f"grader error: {type(exc).__name__}: {exc}"
                    results.append(result)
                _log_one(results[-1], log)
    wall = time.perf_counter() - start
    results.sort(key=lambda r: (r.student, r.notebook, r.path))
    for r in results:
        if r.status != "graded":
            print(f"coursepkg grade: {r.path}: {r.status}", file=sys.stderr)
    write_reports(results, out)
    graded = [r for r in results if r.status == "graded"]
    times = [r.seconds for r in graded]
    if log:
        per = f"; per submission: mean {sum(times) / len(times):.1f} s, max {max(times):.1f} s" if times else ""
        log(
            f"graded {len(graded)} of {len(results)} notebooks from {len({r.student for r in results})} students "
            f"in {wall:.1f} s with {jobs} parallel job(s){per}. Gradebook: {Path(out) / 'gradebook.csv'}"
        )
    return results
