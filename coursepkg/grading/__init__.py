"""Grade a folder of submitted exercise notebooks into a gradebook and feedback files.

    python -m coursepkg grade SUBMISSION... --out DIR [--timeout 30] [--source solutions] [--jobs N]
        [--notebook-budget 600] [--memory-mb 2048] [--max-processes 64] [--cpu-seconds S] [--no-sandbox]

For each submitted notebook (a file, or every .ipynb found under a folder):

1. the student is the name of the folder holding the notebook; the notebook is matched to
   the solution notebook of the same file name in `--source` (submissions.py);
2. an in-memory copy is made (the submission file is never written to), and every locked
   cell of the solution (setup cells, check cells with their hidden tests) is put back by
   grade_id: an edited one is overwritten, a deleted one is inserted where it stood in the
   solution, and the feedback says so (locked_cells.py);
3. the copy runs top to bottom in a fresh python3 kernel, errors allowed, with a per-cell
   timeout: a cell still running after the timeout is interrupted and grading goes on; a
   kernel that dies is restarted (the cells before are replayed) and grading goes on; the
   cells left when the notebook's time budget is spent are not run (kernels.py). The kernel
   runs in a bubblewrap sandbox that sees a scratch copy of the submission, the Python
   environment and coursepkg, nothing else, with memory, process and CPU limits (sandbox.py);
4. a check cell (nbgrader `grade: true`) earns its points when it ran without an error.

Outputs: `DIR/class_report.md` (with .html, its figures and `DIR/mistakes.csv`: which mistakes the class
made, how often; class_report.py), `DIR/gradebook.csv` (one row per student and notebook), `DIR/feedback/<student>/
<notebook>.md` (per exercise: points, pass or fail, the check's message; never the hidden
test code), and `DIR/results.json` (the same, machine-readable) (reports.py). Each submission
is graded in a process of its own, `--jobs` at a time: one that dies or runs over its budget
costs only its own row (supervise.py).

This module holds the steps in order: grade_notebook for one submission, grade for many.
"""

import dataclasses
import os
import shutil
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from ..checks._core.mistakes import mistake_id
from ..nbgrader_source import grade_id, is_check, is_manually_graded, is_solution, points, read_solution
from .class_report import read_results, write_class_report
from .judge import MalformedCheckCell, checks_module_for, judge_check_cell, parse_check_cell
from .kernels import DEFAULT_BUDGET, DEFAULT_TIMEOUT, cell_outcome, execute
from .locked_cells import note_is_about, restore_locked_cells
from .reports import (
    feedback_text,
    format_points,
    is_graded,
    write_feedback,
    write_gradebook,
    write_json,
    write_reports,
)
from .results import ExerciseResult, NotebookResult
from .sandbox import Sandbox, SandboxUnavailable, check_available, visible_inside
from .staging import FrozenSolution, FrozenSources, SourcesChanged, Staging
from .submissions import Submission, find_submissions, match_solution, read_submission, student_of
from .supervise import run_isolated

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_TIMEOUT",
    "ExerciseResult",
    "NotebookResult",
    "Sandbox",
    "SandboxUnavailable",
    "SourcesChanged",
    "Submission",
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

_STDOUT_LIMIT = 1500  # characters of a passing check's output shown in the feedback
_GRACE = 60  # seconds a grading process gets beyond the notebook budget before it is killed
UNSANDBOXED = (
    "graded without a sandbox (--no-sandbox): the notebook's code ran with the teacher's rights and could "
    "read and change files outside its folder"
)


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


IN_KERNEL_VERDICT = (
    "this check cell is not made of coursepkg check calls, so its verdict was reached inside the student's "
    "kernel (it passes when the cell ran without an error)."
)


def _lesson_checks(solution_path):
    """The lesson's checks module in this process, or None for a notebook of no course lesson."""
    try:
        return checks_module_for(solution_path)
    except (ValueError, ImportError):
        return None


def _judgeable(check_cell, lesson_checks):
    """Whether a check cell is plain coursepkg check calls, which the judge re-runs outside the kernel."""
    if lesson_checks is None:
        return False
    try:
        parse_check_cell(check_cell.source, lesson_checks)
    except MalformedCheckCell:
        return False
    return True


_RUN_MISTAKES = {"timeout": "timeout", "dead": "dead", "not run": "not_run"}


def _run_mistake(run, prefix):
    """The mistake id of a cell that did not run to its checks: timeout, dead, not_run, or raised."""
    return mistake_id(prefix, _RUN_MISTAKES.get(run["status"], "raised"))


def _verdict(check_cell, run, lesson_checks):
    """(passed, message, mistake ids) of one check cell: the judge's, in this trusted process, on the records
    the kernel returned; a cell that timed out, died or never ran fails with what happened to it."""
    prefix = parse_check_cell(check_cell.source, lesson_checks)[0].name.removeprefix("check_")
    if run["status"] not in ("ok", "error"):
        return False, _failure_message(run), [_run_mistake(run, prefix)]
    if not run["records"] and run["status"] == "error":
        # the cell failed before any check could record (a NameError, ...)
        return False, _failure_message(run), [_run_mistake(run, prefix)]
    verdict = judge_check_cell(check_cell.source, run["records"], lesson_checks)
    message = verdict.message if verdict.problem is None else f"{verdict.message}\n{verdict.problem}"
    passed = verdict.passed and verdict.problem is None
    return passed, message, [] if passed else verdict.mistakes


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


def _solution_of(solution):
    """(notebook, path) of a solution given as a path or as a FrozenSolution (read before grading began)."""
    if isinstance(solution, FrozenSolution):
        return solution.notebook(), solution.path
    return read_solution(solution), Path(solution)


def grade_notebook(
    path, solution_path, timeout=DEFAULT_TIMEOUT, student=None, *, sandbox=None, budget=None, shown_path=None
):
    """Grade one submitted notebook against its solution; a NotebookResult (never raises).

    `solution_path` is a solution notebook's path or a FrozenSolution; `shown_path` is the path the
    row reports (the original of a staged copy). The kernel runs as `sandbox` says (default:
    bubblewrap, default limits) for at most `budget` seconds; unsandboxed, the status and the
    notes say so."""
    path = Path(path)
    sandbox = sandbox or Sandbox()
    start = time.perf_counter()
    result = NotebookResult(student=student or student_of(path), notebook=path.stem, path=str(shown_path or path))
    try:
        solution, solution_path = _solution_of(solution_path)
        result.notebook = Path(solution_path).stem
        spans = _exercise_spans(solution)
        lesson_checks = _lesson_checks(solution_path)
        judged = {grade_id(c) for c, _ in spans if _judgeable(c, lesson_checks)}
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
        events = []
        with TemporaryDirectory(prefix="coursepkg-grade-") as cwd:
            shutil.copyfile(path, Path(cwd) / path.name)  # the kernel's folder: a scratch copy of the submission
            outcome = execute(nb, timeout=timeout, cwd=cwd, sandbox=sandbox, budget=budget, events=events)
        if not sandbox.enabled:
            result.status = "graded, unsandboxed"
            result.notes.append(UNSANDBOXED)
        if events:
            result.status += "; " + "; ".join(events)
            result.notes.extend(f"{event}." for event in events)
        code_cells = {grade_id(c): c.cell_type == "code" for c in solution.cells}
        where = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
        for ex, (_check, solution_ids) in zip(checks, spans, strict=True):
            run = outcome.get(where.get(ex.grade_id), cell_outcome())
            if ex.grade_id in judged:
                ex.passed, ex.message, ex.mistakes = _verdict(_check, run, lesson_checks)
            else:  # a teacher's own check cell: the kernel's verdict, and the feedback says so
                ex.passed = run["status"] == "ok"
                ex.message = _pass_message(run) if ex.passed else _failure_message(run)
                ex.mistakes = [] if ex.passed else [_run_mistake(run, ex.grade_id)]
                ex.notes.append(IN_KERNEL_VERDICT)
            ex.points = ex.max_points if ex.passed else 0
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


def _failed(path, solution, status, student=None):
    """The row of a notebook that was not graded: every exercise 0 points, `status` saying why."""
    if solution is None:
        name = Path(path).stem
    else:
        name = solution.stem if isinstance(solution, FrozenSolution) else Path(solution).stem
    result = NotebookResult(student if student is not None else student_of(path), name, str(path), status=status)
    try:
        if solution is not None:
            result.exercises = [
                ExerciseResult(grade_id(c), 0, points(c), False, f"not graded ({status}).")
                for c, _ in _exercise_spans(_solution_of(solution)[0])
            ]
    except Exception:  # the solution itself is broken: the row says the status only
        pass
    return result


def _check_sandbox(sandbox, hidden):
    """Raise SandboxUnavailable unless kernels can be sandboxed and none of `hidden` would be visible inside."""
    if not sandbox.enabled:
        return
    check_available()
    for path in hidden:
        if visible_inside(path):
            raise SandboxUnavailable(
                f"{path} is inside a folder the sandbox shows to students (the Python environment or the "
                "coursepkg folder): move it elsewhere"
            )


def _plan(submissions, frozen, source):
    """(tasks, refused): (Submission, FrozenSolution) pairs to grade, and rows of notebooks refused outright:
    no matching solution, or a second submission for one (student, notebook)."""
    refused, by_key = [], {}
    for sub in submissions:
        name = match_solution(sub.path.stem, frozen.solutions)
        if name is None:
            status = f"no solution notebook named {sub.path.stem}.ipynb in {source}"
            refused.append(NotebookResult(sub.student, sub.path.stem, str(sub.path), status=status))
        else:  # a file that is no notebook gets its own row saying so, and is nobody's second submission
            key = (sub.student, name) if sub.path.suffix == ".ipynb" else (sub.student, name, sub.path)
            by_key.setdefault(key, []).append(sub)
    tasks = []
    for (student, name, *_), subs in by_key.items():
        if len(subs) == 1:
            tasks.append((subs[0], frozen.solutions[name]))
            continue
        paths = ", ".join(str(s.path) for s in subs)
        status = (
            f"refused: {len(subs)} submissions of {name} by {student} ({paths}); keep one and grade again"
        )
        row = _failed(subs[0].path, frozen.solutions[name], status, student=student)
        row.path = paths
        refused.append(row)
    return tasks, refused


def _write_row(results, row, out):
    """Record a finished row: the gradebook and results.json rewritten (atomically), the row's feedback."""
    results.append(row)
    ordered = sorted(results, key=lambda r: (r.student, r.notebook, r.path))
    write_gradebook(ordered, out / "gradebook.csv")
    write_json(ordered, out / "results.json")
    write_feedback([row], out / "feedback")


def grade(
    submissions,
    out,
    timeout=DEFAULT_TIMEOUT,
    source="solutions",
    jobs=None,
    log=print,
    *,
    sandbox=None,
    budget=DEFAULT_BUDGET,
):
    """Grade every submission, write the gradebook and feedback into `out`; the list of NotebookResult.

    The solutions are read and hashed, and the submissions copied into a private staging folder,
    before any student code runs; grading reads only those copies. Each kernel runs as `sandbox`
    says (default: bubblewrap with the default limits; its CPU limit defaults to the budget) for at
    most `budget` seconds per notebook. Rows are written as notebooks finish. Raises
    SandboxUnavailable, before running anything, if the sandbox cannot be made, and SourcesChanged
    (after writing the rows graded so far) if a solution file changes while grading runs.

    Each notebook is graded in a process started by a fork server (supervise.py), so a script that
    calls grade() needs the usual `if __name__ == "__main__":` guard; the command line has it."""
    sandbox = sandbox or Sandbox()
    if sandbox.cpu_seconds is None and budget:
        sandbox = dataclasses.replace(sandbox, cpu_seconds=budget)
    _check_sandbox(sandbox, [source, out, *submissions])
    frozen = FrozenSources(source)
    if not frozen.solutions:
        raise FileNotFoundError(
            f"no solution notebooks in {source!r}: pass --source with the folder of NN_topic.ipynb files"
        )
    found, problems = find_submissions(submissions)
    for problem in problems:
        print(f"coursepkg grade: {problem}", file=sys.stderr)
    out = Path(out)
    tasks, refused = _plan(found, frozen, source)
    results = []
    for row in refused:
        _write_row(results, row, out)
        _log_one(row, log)
    if not tasks and not results:
        write_gradebook([], out / "gradebook.csv")
        write_json([], out / "results.json")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    if log:
        log(f"kernels run {sandbox.describe()}" + (f", at most {budget:g} s per notebook" if budget else ""))
    start = time.perf_counter()
    options = {"sandbox": sandbox, "budget": budget}
    with Staging() as staging:
        staged = staging.stage([sub for sub, _ in tasks])
        calls = [
            (i, grade_notebook, (str(st.copy), solution, timeout, st.student), options | {"shown_path": st.original})
            for i, (st, (_sub, solution)) in enumerate(zip(staged, tasks, strict=True))
        ]
        done = set()
        rows = run_isolated(calls, jobs, budget + _GRACE if budget else None)
        try:
            for i, finished, value in rows:
                done.add(i)
                st, solution = staged[i], tasks[i][1]
                if finished:
                    row = value
                else:  # its process died or ran over: this row only
                    status = value if value.startswith("grader error") else f"grader error: {value}"
                    row = _failed(st.original, solution, status if sandbox.enabled else f"{status} (unsandboxed)",
                                  student=st.student)
                    if not sandbox.enabled:
                        row.notes.append(UNSANDBOXED)
                if st.changed_since_staged():
                    row.notes.append(
                        f"{st.original.name} changed (or went) while grading ran; the version read at the start "
                        f"(sha256 {st.digest[:16]}...) was graded."
                    )
                _write_row(results, row, out)
                _log_one(row, log)
                frozen.check_unchanged()
        except SourcesChanged as exc:
            rows.close()  # kills the grading processes still running
            for i, st in enumerate(staged):
                if i not in done:
                    _write_row(results, _failed(st.original, tasks[i][1], "not graded: " + str(exc).split(":")[0],
                                                student=st.student), out)
            raise
    wall = time.perf_counter() - start
    results.sort(key=lambda r: (r.student, r.notebook, r.path))
    write_class_report(read_results(out), out)  # from results.json, as `coursepkg report` rebuilds it
    for r in results:
        if not is_graded(r.status) or "; " in r.status:
            print(f"coursepkg grade: {r.path}: {r.status}", file=sys.stderr)
    graded = [r for r in results if is_graded(r.status)]
    times = [r.seconds for r in graded]
    if log:
        per = f"; per submission: mean {sum(times) / len(times):.1f} s, max {max(times):.1f} s" if times else ""
        log(
            f"graded {len(graded)} of {len(results)} notebooks from {len({r.student for r in results})} students "
            f"in {wall:.1f} s with {jobs} parallel job(s){per}. Gradebook: {out / 'gradebook.csv'}"
        )
    return results
