"""Judge a check cell in the grader's own process, from the records the student's kernel left.

The grader runs a submission in a kernel whose environment has COURSEPKG_CHECK_MODE=record. Each check
call of a check cell then leaves one `display_data` output of MIME type RECORD_MIME
(`application/vnd.coursepkg.check-record+json`): what the student's functions returned on the check's
inputs, as plain data (see `coursepkg.checks._core.channel`). Nothing in that kernel decides a grade.

Here, in the grader, where no student code ever ran:

1. `parse_check_cell` reads the TRUSTED source of the check cell (from the solution notebook, never from
   the submission): each statement must be `checks.<check>(...)`, a public check of the lesson's module,
   whose student arguments are names and whose `hidden` is a constant. Anything else raises
   `MalformedCheckCell` (a fault of the course, not of the student).
2. `judge_check_cell` takes the i-th record of the cell for the i-th call and runs the grader's own
   check function with replay stubs in place of the student's objects: the check builds its inputs
   itself, each use of a student's function returns the next recorded outcome, and the comparisons,
   the mistake named and the words printed are the grader's. A missing, extra, unreadable or mismatched
   record is a failure with a message, never an exception.

    from coursepkg.grading.judge import checks_module_for, judge_check_cell, records_in

    checks = checks_module_for(solution_path)          # coursepkg.checks.lessonNN, imported by the grader
    verdict = judge_check_cell(solution_cell.source, records_in(executed_cell.outputs), checks)
    earned = cell_points if verdict.passed else 0       # verdict.message: the feedback (✓ lines or the ✗ text)
"""

import ast
import contextlib
import importlib
import inspect
import io
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..checks._core import channel
from ..checks._core.failure import FAIL_MARK, CheckFailed
from ..checks._core.mistakes import mistake_id

RECORD_MIME = channel.RECORD_MIME
MAX_MESSAGE = 50_000  # characters of one verdict's message (a failure text in a record has at most 20,000)

__all__ = [
    "RECORD_MIME",
    "CallVerdict",
    "CellVerdict",
    "CheckCall",
    "MalformedCheckCell",
    "StudentName",
    "checks_module_for",
    "judge_check_cell",
    "parse_check_cell",
    "records_in",
]

_ADVICE = "Restart the kernel and run the whole notebook from the top."


class MalformedCheckCell(ValueError):
    """A check cell source that is not a sequence of plain check calls."""


@dataclass(frozen=True)
class StudentName:
    """An argument of a check call that names a student's object (`e_step` in `checks.check_e_step(e_step)`)."""

    name: str


@dataclass(frozen=True)
class CheckCall:
    """One statement of a check cell: `checks.<name>(...)` with its arguments bound to the check's parameters."""

    index: int
    name: str
    check: object  # the grader's own check function
    arguments: dict  # parameter -> StudentName or a constant


@dataclass
class CallVerdict:
    """The judge's verdict on one check call: passed, and the ✓ line or the ✗ text."""

    index: int
    check: str
    passed: bool
    message: str
    mistake: str | None = None  # the id of the mistake named (`e_step.wrong_axis`) when it failed


@dataclass
class CellVerdict:
    """The verdicts on every call of a check cell; the cell earns its points only when `passed`."""

    calls: list = field(default_factory=list)
    problem: str | None = None  # about the cell as a whole (more records than calls)

    @property
    def passed(self):
        return bool(self.calls) and self.problem is None and all(v.passed for v in self.calls)

    @property
    def mistakes(self):
        """The mistake ids of the failing calls, in order (a cell-level problem counts as a record mismatch)."""
        ids, failed = [], False
        for v in self.calls:
            if not v.passed and v.mistake and not (failed and v.mistake.endswith(".not_run")):
                ids.append(v.mistake)  # a call left unrun by an earlier failure (the kernel stops there) is not one
            failed = failed or not v.passed
        if self.problem and not ids:
            ids.append(mistake_id(self.calls[0].check.removeprefix("check_") if self.calls else None,
                                  "record_mismatch"))
        return ids

    @property
    def message(self):
        """The feedback: the first failure (as the kernel stops at the first), else every ✓ line."""
        failed = [v for v in self.calls if not v.passed]
        if failed:
            return failed[0].message
        if self.problem:
            return self.problem
        return "\n".join(v.message for v in self.calls)


# ---------------------------------------------------------------- the trusted source


def _argument(node):
    if isinstance(node, ast.Name):
        return StudentName(node.id)
    if isinstance(node, ast.Constant) and type(node.value) in (bool, int, float, str, type(None)):
        return node.value
    raise MalformedCheckCell(f"the argument {ast.unparse(node)!r} is neither a name nor a constant")


def parse_check_cell(source, checks_module, receiver="checks"):
    """The calls of a check cell: a list of CheckCall, or MalformedCheckCell saying what is wrong.

    source : the check cell's source from the solution notebook (comments such as the hidden-test
             markers are fine; magics are not)
    checks_module : the lesson's checks, imported by the grader (`checks_module_for`)
    """
    if not isinstance(source, str):
        raise MalformedCheckCell(f"the source is a {type(source).__name__}, not a string")
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise MalformedCheckCell(f"the cell is not plain Python ({exc.msg}, line {exc.lineno})") from None
    calls = []
    for statement in tree.body:
        where = f"line {statement.lineno}"
        call = statement.value if isinstance(statement, ast.Expr) else None
        func = call.func if isinstance(call, ast.Call) else None
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == receiver):
            raise MalformedCheckCell(f"{where} is not a call `{receiver}.check_<name>(...)`")
        name = func.attr
        check = getattr(checks_module, name, None) if name.startswith("check_") else None
        if not channel.is_exercise_check(check):
            raise MalformedCheckCell(f"{where}: {receiver}.{name} is not a check of {checks_module.__name__}")
        if any(kw.arg is None for kw in call.keywords):
            raise MalformedCheckCell(f"{where}: ** arguments are not allowed")
        positional = [_argument(a) for a in call.args]
        keywords = {kw.arg: _argument(kw.value) for kw in call.keywords}
        try:
            bound = inspect.signature(check).bind(*positional, **keywords)
        except TypeError as exc:
            raise MalformedCheckCell(f"{where}: {exc}") from None
        for param, value in bound.arguments.items():
            student = param in check.student_parameters
            if student != isinstance(value, StudentName):
                kind = "the name of a student's object" if student else "a constant"
                raise MalformedCheckCell(f"{where}: the argument {param} of {name} must be {kind}")
        calls.append(CheckCall(len(calls), name, check, dict(bound.arguments)))
    if not calls:
        raise MalformedCheckCell("the cell holds no check call")
    return calls


def checks_module_for(notebook):
    """coursepkg.checks.lessonNN for a notebook named NN_topic(.ipynb), imported in the grader."""
    match = re.match(r"(\d\d)_", Path(notebook).name)
    if not match:
        raise ValueError(f"{notebook}: the notebook's name does not start with its lesson number NN_")
    return importlib.import_module(f"coursepkg.checks.lesson{match.group(1)}")


def records_in(outputs):
    """The check records among a cell's outputs (nbformat output dicts), in order."""
    records = []
    for output in outputs or ():
        if isinstance(output, Mapping) and output.get("output_type") == "display_data":
            data = output.get("data")
            if isinstance(data, Mapping) and RECORD_MIME in data:
                records.append(data[RECORD_MIME])
    return records


# ---------------------------------------------------------------- the judge


def _capped(text):
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " ... (message cut)"


def judge_call(call, raw):
    """The verdict on one CheckCall from its record (a dict or JSON text; None when there is none)."""
    label = call.name.removeprefix("check_")

    def failed(message, key="wrong_value"):
        return CallVerdict(call.index, call.name, False, _capped(message), mistake_id(label, key))

    if raw is None:
        return failed(
            f"{FAIL_MARK} {label}: the grader found no record of this check in your notebook's output: the "
            "check cell stopped before it (an error, a time-out, an earlier check that failed) or its output "
            f"was removed. {_ADVICE}",
            "not_run",
        )
    try:
        name, entries = channel.read_record(raw)
    except channel.Malformed as exc:
        return failed(
            f"{FAIL_MARK} {label}: your notebook's record of this check cannot be read: {exc}. {_ADVICE}",
            "record_unreadable",
        )
    if name != call.check.__name__:
        return failed(
            f"{FAIL_MARK} {label}: the record in its place is one of {name!r}, not of {call.name}. {_ADVICE}",
            "record_mismatch",
        )
    replay = channel.Replay(entries)
    arguments = {
        param: replay.stub(param) if isinstance(value, StudentName) else value
        for param, value in call.arguments.items()
    }
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            call.check(**arguments)
    except CheckFailed as exc:
        verdict = failed(str(exc))
        verdict.mistake = getattr(exc, "mistake", None) or verdict.mistake
        return verdict
    except Exception as exc:  # a value no check expects (a tampered record): a failure, never a crash
        return failed(
            f"{FAIL_MARK} {label}: the grader could not judge the values in your notebook's record "
            f"({type(exc).__name__}: {exc}).",
            "unjudgeable",
        )
    if replay.leftover:
        return failed(
            f"{FAIL_MARK} {label}: your notebook's record holds {replay.leftover} more uses of your code than "
            f"this check makes. {_ADVICE}",
            "record_mismatch",
        )
    return CallVerdict(call.index, call.name, True, _capped(printed.getvalue().strip()))


def judge_check_cell(source, records, checks_module):
    """Judge one check cell: a CellVerdict (.passed, .message, .calls: one CallVerdict per call).

    source : the TRUSTED source of the check cell, from the solution notebook
    records : the records the cell's execution left, in output order (`records_in(cell.outputs)`);
              each a dict or its JSON text
    checks_module : the lesson's checks module imported in the grader (`checks_module_for`)
    Raises MalformedCheckCell for a source that is not plain check calls; anything wrong with the
    records is a failed verdict with a message.
    """
    calls = parse_check_cell(source, checks_module)
    records = list(records)
    verdict = CellVerdict([judge_call(call, records[i] if i < len(records) else None) for i, call in enumerate(calls)])
    if len(records) > len(calls):
        verdict.problem = (
            f"{FAIL_MARK} the check cell left {len(records)} check records for its {len(calls)} checks: something "
            f"else displayed records. {_ADVICE}"
        )
    return verdict
