"""Grade a folder of submitted exercise notebooks into a gradebook and feedback files.

    python -m coursepkg grade SUBMISSION... --out DIR [--timeout 30] [--source solutions] [--jobs N]

For each submitted notebook (a file, or every .ipynb found under a folder):

1. the student is the name of the folder holding the notebook; the notebook is matched to
   the solution notebook of the same file name in `--source`;
2. an in-memory copy is made (the submission file is never written to), and every locked
   cell of the solution (setup cells, check cells with their hidden tests) is put back by
   grade_id: an edited one is overwritten, a deleted one is inserted where it stood in the
   solution, and the feedback says so;
3. the copy runs top to bottom in a fresh python3 kernel, errors allowed, with a per-cell
   timeout: a cell still running after the timeout is interrupted and grading goes on; a
   kernel that dies is restarted (the cells before are replayed) and grading goes on;
4. a check cell (nbgrader `grade: true`) earns its points when it ran without an error.

Outputs: `DIR/gradebook.csv` (one row per student and notebook), `DIR/feedback/<student>/
<notebook>.md` (per exercise: points, pass or fail, the check's message; never the hidden
test code), and `DIR/results.json` (the same, machine-readable). Submissions are graded in
parallel, one kernel per worker process.
"""

import copy
import csv
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from tempfile import TemporaryDirectory

import nbformat

from .generate import nbgrader_meta, read_solution, solution_paths, student_source

DEFAULT_TIMEOUT = 30
MAX_RESTARTS = 3
SETUP_TIMEOUT = 120  # locked setup cells hold only the teacher's code: imports can be slow on a loaded machine
PROBE_TIMEOUT = 10  # seconds a kernel gets to answer after an interrupted cell before it is restarted
# fork reuses the imports already made (seconds on a slow machine); no kernel or event loop exists yet
# in the parent when the pool starts. Elsewhere (macOS, Windows) spawn.
_START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TIMEOUT_ENAME = "CellTimeout"
_PROBE_TAG = "coursepkg-grader-probe"


@dataclass
class ExerciseResult:
    """The outcome of one check cell."""

    grade_id: str
    points: float
    max_points: float
    passed: bool
    message: str
    notes: list = field(default_factory=list)


@dataclass
class NotebookResult:
    """The outcome of one submitted notebook."""

    student: str
    notebook: str
    path: str
    status: str = "graded"  # "graded", or why it could not be
    exercises: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    manual: list = field(default_factory=list)  # answers to grade by hand: (grade_id, points)
    seconds: float = 0.0

    @property
    def total(self):
        return sum(e.points for e in self.exercises)

    @property
    def max_points(self):
        return sum(e.max_points for e in self.exercises)


# ---------------------------------------------------------------------------------------------
# finding submissions and their solutions


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
    return Path(path).parent.name or "unknown"


def match_solution(stem, solution_stems):
    """The solution a submitted notebook answers: same name, else the longest solution name it starts with
    (so "05_e_step-Copy1" or "05_e_step (1)" still match 05_e_step)."""
    if stem in solution_stems:
        return stem
    prefixes = [s for s in solution_stems if stem.startswith(s)]
    return max(prefixes, key=len) if prefixes else None


# ---------------------------------------------------------------------------------------------
# restoring the locked cells


def _is_authoritative(cell):
    """Cells the student may not change: locked cells and autograded check cells."""
    meta = nbgrader_meta(cell)
    if not meta.get("grade_id") or meta.get("solution"):
        return False
    return bool(meta.get("locked") or meta.get("grade"))


def _is_check(cell):
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and bool(meta.get("grade_id"))


def _kind(cell):
    return "check cell" if _is_check(cell) else "locked cell"


def _normalised(source):
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _clean(cell):
    cell = copy.deepcopy(cell)
    if cell.get("cell_type") == "code":
        cell["outputs"] = []
        cell["execution_count"] = None
    return cell


def restore_locked_cells(submission, solution):
    """(notebook to run, notes): the submission with every locked cell of the solution put back.

    An edited locked cell is replaced by the original (hidden tests included); a deleted one is
    inserted after the cell that precedes it in the solution; duplicates of a locked cell lose
    their grade metadata (they run, but earn nothing).
    """
    originals = {nbgrader_meta(c)["grade_id"]: c for c in solution.cells if _is_authoritative(c)}
    notes, cells, seen = [], [], set()
    for cell in submission.cells:
        cell = _clean(cell)
        cell.setdefault("metadata", {})
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in originals and grade_id not in seen:
            original = originals[grade_id]
            expected = student_source(original, f"solution cell {grade_id}")
            unchanged = _normalised(cell.get("source", "")) in (_normalised(expected), _normalised(original.source))
            if cell.get("cell_type") != original.get("cell_type") or not unchanged:
                notes.append(f"{_kind(original)} {grade_id} was edited; the original was restored.")
            cells.append(_clean(original))
            seen.add(grade_id)
            continue
        meta = nbgrader_meta(cell)
        if grade_id in seen or meta.get("locked") or (meta.get("grade") and not meta.get("solution")):
            # a copy of a locked cell, or a locked/check cell the solution does not have: it earns nothing
            cell["metadata"].pop("nbgrader", None)
        cells.append(cell)

    def position(cell):
        """Where `cell` of the solution stands in `cells`: matched by grade_id, else by cell id."""
        grade_id, cell_id = nbgrader_meta(cell).get("grade_id"), cell.get("id")
        for i, c in enumerate(cells):
            if (grade_id and nbgrader_meta(c).get("grade_id") == grade_id) or (
                not grade_id and cell_id and c.get("id") == cell_id
            ):
                return i
        return None

    front = 0
    for index, original in enumerate(solution.cells):
        grade_id = nbgrader_meta(original).get("grade_id")
        if not _is_authoritative(original) or grade_id in seen:
            continue
        anchor = next((position(c) for c in reversed(solution.cells[:index]) if position(c) is not None), None)
        if anchor is None:
            cells.insert(front, _clean(original))
            front += 1
        else:
            cells.insert(anchor + 1, _clean(original))
        seen.add(grade_id)
        notes.append(
            f"{_kind(original)} {grade_id} was missing (deleted, or its metadata removed); the original was restored."
        )

    ids = set()
    for n, cell in enumerate(cells):  # a copied cell shares its id with the original: make ids unique again
        if cell.get("id") in ids:
            cell["id"] = f"graded-{n}"
        ids.add(cell.get("id"))
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(solution.metadata))
    return notebook, notes


# ---------------------------------------------------------------------------------------------
# running a notebook


class _KernelStuck(Exception):
    """The kernel did not answer after an interrupted cell."""


def _timeout_func(timeout):
    def per_cell(cell):
        if _PROBE_TAG in cell.get("metadata", {}).get("tags", []):
            return PROBE_TIMEOUT
        meta = nbgrader_meta(cell)
        if meta.get("locked") and not meta.get("grade") and not meta.get("solution"):
            return max(timeout, SETUP_TIMEOUT)  # the teacher's setup code (imports, data), restored from the solution
        return timeout

    return per_cell


def execute(nb, timeout=DEFAULT_TIMEOUT, cwd=None):
    """Run every code cell of `nb` in a fresh kernel; {cell index: outcome} with outcome a dict
    (status "ok" | "error" | "timeout" | "dead" | "not run", ename, evalue). Never raises for
    anything the notebook does: timeouts interrupt the cell, a dead kernel is restarted."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    outcome = {i: {"status": "not run", "ename": "", "evalue": ""} for i in code}
    skip = set()  # cells that killed the kernel or timed out: not replayed after a restart
    done = 0  # cells of `code` finished
    restarts = 0

    def on_executed(cell, cell_index, execute_reply):
        if cell_index not in outcome:
            return
        content = (execute_reply or {}).get("content", {})
        status = content.get("status", "error")
        ename, evalue = content.get("ename", ""), _ANSI.sub("", content.get("evalue", ""))
        if status == "ok":
            outcome[cell_index] = {"status": "ok", "ename": "", "evalue": ""}
        elif ename in (_TIMEOUT_ENAME, "KeyboardInterrupt"):
            outcome[cell_index] = {
                "status": "timeout",
                "ename": "TimeoutError",
                "evalue": f"timed out after {timeout:g} s",
            }
        else:
            outcome[cell_index] = {"status": "error", "ename": ename or "Error", "evalue": evalue}

    while done < len(code):
        client = NotebookClient(
            nb,
            timeout=timeout,
            timeout_func=_timeout_func(timeout),
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={"ename": _TIMEOUT_ENAME, "evalue": f"timed out after {timeout:g} s", "traceback": []},
            iopub_timeout=4,
            record_timing=False,
            on_cell_executed=on_executed,
            resources={"metadata": {"path": cwd or os.getcwd()}},
        )
        current = None
        try:
            # the kernel's own log lines (stderr) are noise here: the notebook's output comes over iopub
            with client.setup_kernel(stderr=subprocess.DEVNULL):
                replay = [i for i in code[:done] if i not in skip] if restarts else []
                for index in replay + code[done:]:
                    current = index
                    client.execute_cell(nb.cells[index], index)
                    if index in code[done:]:
                        done += 1
                    if outcome[index]["status"] == "timeout":
                        skip.add(index)
                        # is the kernel answering again? if not, restart it
                        probe = nbformat.v4.new_code_cell("pass", metadata={"tags": [_PROBE_TAG]})
                        if client.wait_for_reply(client.kc.execute("pass", store_history=False), probe) is None:
                            raise _KernelStuck
        except (DeadKernelError, _KernelStuck) as exc:
            restarts += 1
            if isinstance(exc, DeadKernelError) and current is not None:
                skip.add(current)
                outcome[current] = {
                    "status": "dead",
                    "ename": "DeadKernelError",
                    "evalue": "the kernel died while running this cell (it crashed, exited or ran out of memory)",
                }
                if current in code[done:]:
                    done += 1
            if restarts > MAX_RESTARTS:
                for index in code[done:]:
                    outcome[index]["evalue"] = f"not run: the kernel died or hung {restarts} times"
                break
        except Exception as exc:  # the kernel could not start, or nbclient failed: the rest is not run
            for index in code[done:]:
                outcome[index]["evalue"] = f"not run: the grader could not run the kernel ({type(exc).__name__}: {exc})"
            break
    return outcome


# ---------------------------------------------------------------------------------------------
# grading one notebook


def _read_notebook(path):
    """(notebook, None) or (None, reason it cannot be read)."""
    path = Path(path)
    if path.suffix != ".ipynb":
        return None, f"is not a notebook (expected a .ipynb file, got {path.name!r})"
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return None, f"could not be read as a notebook ({type(exc).__name__}: {reason})"
    if not isinstance(nb.get("cells"), list):
        return None, "could not be read as a notebook (no list of cells)"
    for cell in nb.cells:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            return None, "could not be read as a notebook (a cell has no valid cell_type)"
        if not isinstance(cell.get("source", ""), str):
            return None, "could not be read as a notebook (a cell's source is not text)"
    return nb, None


def _stdout(cell, limit=1500):
    text = "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )
    text = _ANSI.sub("", text).strip()
    return text if len(text) <= limit else "..." + text[-limit:]


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


def _exercise_spans(solution):
    """[(check cell, [grade_ids of the solution cells before it, since the previous check])]."""
    spans, pending = [], []
    for cell in solution.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta.get("grade_id"):
            pending.append(meta["grade_id"])
        if _is_check(cell):
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
        checks = [
            ExerciseResult(nbgrader_meta(c)["grade_id"], 0, float(nbgrader_meta(c).get("points", 0)), False, "not run.")
            for c, _ in spans
        ]
        result.exercises = checks
        result.manual = [
            (nbgrader_meta(c)["grade_id"], float(nbgrader_meta(c).get("points", 0)))
            for c in solution.cells
            if nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("solution")
        ]
        if path.stem != result.notebook:
            result.notes.append(f"{path.name} was graded as {result.notebook} (the closest solution name).")
        submission, problem = _read_notebook(path)
        if problem:
            result.status = problem
            for ex in checks:
                ex.message = f"0 points: the file {problem}."
            return result
        nb, notes = restore_locked_cells(submission, solution)
        result.notes.extend(notes)
        with TemporaryDirectory(prefix="coursepkg-grade-") as cwd:
            outcome = execute(nb, timeout=timeout, cwd=cwd)
        code_cells = {nbgrader_meta(c).get("grade_id"): c.cell_type == "code" for c in solution.cells}
        where = {
            nbgrader_meta(c).get("grade_id"): i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id")
        }
        for ex, (_check, solution_ids) in zip(checks, spans, strict=True):
            index = where.get(ex.grade_id)
            run = outcome.get(index, {"status": "not run", "ename": "", "evalue": ""})
            ex.passed = run["status"] == "ok"
            ex.points = ex.max_points if ex.passed else 0
            ex.message = _stdout(nb.cells[index]) if ex.passed else _failure_message(run)
            if ex.passed and not ex.message:
                ex.message = "the check ran without an error."
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
            for note in result.notes:
                if f" {ex.grade_id} was " in note:
                    ex.notes.append(note)
    except Exception as exc:  # a bug in the solution notebook or in the grader: report it, do not crash
        result.status = f"grader error: {type(exc).__name__}: {exc}"
        for ex in result.exercises:
            ex.points, ex.passed, ex.message = 0, False, "not graded (grader error)."
    finally:
        result.seconds = round(time.perf_counter() - start, 2)
    return result


# ---------------------------------------------------------------------------------------------
# many notebooks, gradebook and feedback


def _job(path, solution_path, timeout):
    return grade_notebook(path, solution_path, timeout)


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
            futures = {pool.submit(_job, str(p), str(s), timeout): (p, s) for p, s in tasks}
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
    write_gradebook(results, Path(out) / "gradebook.csv", solutions)
    write_feedback(results, Path(out) / "feedback")
    write_json(results, Path(out) / "results.json")
    graded = [r for r in results if r.status == "graded"]
    times = [r.seconds for r in graded]
    if log:
        per = f"; per submission: mean {sum(times) / len(times):.1f} s, max {max(times):.1f} s" if times else ""
        log(
            f"graded {len(graded)} of {len(results)} notebooks from {len({r.student for r in results})} students "
            f"in {wall:.1f} s with {jobs} parallel job(s){per}. Gradebook: {Path(out) / 'gradebook.csv'}"
        )
    return results


def _log_one(result, log):
    if log:
        state = "" if result.status == "graded" else f" [{result.status}]"
        score = f"{_fmt(result.total)}/{_fmt(result.max_points)}"
        log(f"  {result.student}/{result.notebook}: {score} ({result.seconds:.1f} s){state}")


def _fmt(x):
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _columns(results, solutions):
    """Exercise grade_ids in the order of the notebooks (by name) and of the cells."""
    columns = []
    for name in sorted({r.notebook for r in results}):
        ids = next((r.exercises for r in results if r.notebook == name and r.exercises), [])
        columns.extend(e.grade_id for e in ids if e.grade_id not in columns)
    return columns


def write_gradebook(results, path, solutions=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = _columns(results, solutions)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "notebook", *columns, "total", "max", "status"])
        for r in results:
            points = {e.grade_id: _fmt(e.points) for e in r.exercises}
            maximum = _fmt(r.max_points) if r.exercises else ""
            writer.writerow(
                [r.student, r.notebook, *(points.get(c, "") for c in columns), _fmt(r.total), maximum, r.status]
            )


def _safe(name):
    return re.sub(r"[^\w.\- ]", "_", name) or "_"


def feedback_text(r):
    lines = [f"# {r.notebook}: feedback for {r.student}", ""]
    if r.status != "graded":
        lines += [f"**This submission could not be graded: {r.status}.** It scores 0.", ""]
    lines += [
        f"**Score: {_fmt(r.total)} / {_fmt(r.max_points)} points**"
        + (" (written answers to be graded by hand)" if r.manual else ""),
        "",
    ]
    if r.exercises:
        lines += ["| exercise | points | result |", "|---|---|---|"]
        lines += [
            f"| {e.grade_id} | {_fmt(e.points)} / {_fmt(e.max_points)} | {'pass' if e.passed else 'fail'} |"
            for e in r.exercises
        ]
        lines.append("")
    for e in r.exercises:
        lines += [f"## {e.grade_id}: {_fmt(e.points)} / {_fmt(e.max_points)}, {'pass' if e.passed else 'fail'}", ""]
        lines += ["```", e.message.strip(), "```", ""]
        lines += [f"- {note}" for note in e.notes]
        if e.notes:
            lines.append("")
    for grade_id, points in r.manual:
        lines += [f"## {grade_id}: written answer ({_fmt(points)} points), graded by hand", ""]
    other = [n for n in r.notes if not any(f" {e.grade_id} was " in n for e in r.exercises)]
    if other:
        lines += ["## Notes", ""] + [f"- {note}" for note in other] + [""]
    lines.append(f"_Graded in {r.seconds:.1f} s._")
    return "\n".join(lines) + "\n"


def write_feedback(results, folder):
    for r in results:
        target = folder / _safe(r.student) / f"{_safe(r.notebook)}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(feedback_text(r), encoding="utf-8")


def write_json(results, path):
    data = [{**asdict(r), "total": r.total, "max": r.max_points} for r in results]
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
