"""What every exercise check does, whatever the lesson; shared by tests/test_checks_lesson*.py.

A lesson's test file gets these tests for all its checks by declaring them:

    class TestEveryCheck(CheckContract):
        good = [(checks.check_assign, assign), ...]        # a check and a reference solution
        answers = [(checks.check_r_nearest, r_nearest)]    # a numeric answer, as a function of no arguments

A reference solution is named like the exercise, so the confirmation starts with "✓ <its name>:".
(Imported by name: pytest puts tests/ on sys.path, as it has no __init__.py.)

`judged_in_the_grader_too`, imported by every lesson's test file, runs every check a test calls three
ways: in-process (what the test sees), recorded as in the grader's kernel, and judged from that record
as in the grader; it asserts the same verdict and the same words all three times. So each of the
lessons' test cases (the good solutions and every wrong answer) is also a test of the judge.
"""

import contextlib
import inspect
import io
import sys
from dataclasses import dataclass

import numpy as np
import pytest

from coursepkg.checks._core import CheckFailed, Exercise, channel


def mistake_of(check, wrong, hidden=None, **others):
    """The mistake id `check` names for the wrong answer `wrong` (a tuple: one answer per argument).

    Fails the test if the check passes. `hidden` is passed on unless it is None, `others` always (a second
    student function some checks take).
    """
    answers = wrong if isinstance(wrong, tuple) else (wrong,)
    kwargs = dict(others) if hidden is None else {"hidden": hidden, **others}
    with pytest.raises(CheckFailed) as failure, np.errstate(all="ignore"):
        check(*answers, **kwargs)
    return failure.value.mistake


def stub(*args, **kwargs):
    raise NotImplementedError("write this")


def crashes(*args, **kwargs):
    return args[10**6]  # an IndexError of the student's own making


def crashes_in_numpy(*args, **kwargs):
    not_positive_definite = -np.eye(2)
    return np.linalg.cholesky(not_positive_definite)  # numpy raises LinAlgError from its own code


def line_of(func, text):
    """The line number, in its file, of the one line of `func`'s source that contains `text`."""
    lines, first = inspect.getsourcelines(func)
    (number,) = [first + i for i, line in enumerate(lines) if text in line]
    return number


def reported_at(func, text):
    """The hint that names the line of `func` containing `text` as the student's line."""
    return f"\n  at line {line_of(func, text)} of your code: {text}"


@dataclass
class Outcome:
    passed: bool
    message: str  # what it printed when it passed, the failure's text when it failed
    printed: str
    value: object = None
    error: BaseException | None = None


def outcome_of(run):
    """Run `run()` capturing what it prints: an Outcome."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            value = run()
    except Exception as exc:
        return Outcome(False, str(exc), printed.getvalue(), error=exc)
    return Outcome(True, printed.getvalue().strip(), printed.getvalue(), value=value)


def cell_source(name, students, arguments):
    """The check cell that makes this call: `checks.<name>(student, other=other, hidden=True)`."""
    parts = []
    for i, (param, value) in enumerate(arguments.items()):
        if param in students:
            parts.append(param if i == 0 else f"{param}={param}")
        else:
            parts.append(f"{param}={value!r}")
    return f"checks.{name}({', '.join(parts)})"


def judged(fn, signature, students, args, kwargs, run):
    """The check run in-process, recorded and judged; asserts all three agree, returns the in-process Outcome."""
    from coursepkg.grading.judge import judge_check_cell

    in_process = outcome_of(lambda: run(fn, signature, students, args, kwargs))
    with channel.capture_records() as records:
        recorded = outcome_of(lambda: run(fn, signature, students, args, kwargs))
    source = cell_source(fn.__name__, students, signature.bind(*args, **kwargs).arguments)
    verdict = judge_check_cell(source, records, sys.modules[fn.__module__])
    (judge,) = verdict.calls
    assert len(records) == 1, f"{source} left {len(records)} records"
    mistake = getattr(in_process.error, "mistake", None)
    assert judge.mistake == mistake, f"{source}: the judge names the mistake {judge.mistake!r}, in-process {mistake!r}"
    assert getattr(recorded.error, "mistake", None) == mistake, f"{source}: recorded, another mistake id"
    failed_check = isinstance(in_process.error, channel.CheckFailed)
    assert not failed_check or mistake, f"{source}: a failure without a mistake id: {in_process.message!r}"
    for who, seen in (("recorded in the kernel", recorded), ("judged", judge)):
        assert (seen.passed, seen.message) == (in_process.passed, in_process.message), (
            f"{source}: {who} it says {seen.message!r} ({'pass' if seen.passed else 'fail'}); in-process "
            f"{in_process.message!r} ({'pass' if in_process.passed else 'fail'})"
        )
    return in_process


@pytest.fixture(autouse=True)
def judged_in_the_grader_too(request, monkeypatch):
    """Every outermost check the test calls is also recorded and judged, with the same verdict and words."""
    if getattr(request.function, "in_process_only", False):
        return
    run = channel._run

    def run_three_ways(fn, signature, students, args, kwargs):
        bound = signature.bind(*args, **kwargs)
        if channel._RUNNING.get() or any(isinstance(v, channel.Replayed) for v in bound.arguments.values()):
            return run(fn, signature, students, args, kwargs)  # the judge's own replay, or a nested check
        result = judged(fn, signature, students, args, kwargs, run)
        sys.stdout.write(result.printed)
        if result.error is not None:
            raise result.error
        return result.value

    monkeypatch.setattr(channel, "_run", run_three_ways)


def in_process_only(test):
    """Mark a test whose check runs must not be repeated (it counts the calls the check makes)."""
    test.in_process_only = True
    return test


class CheckContract:
    """The tests every check passes, parametrised over a lesson's `good` and `answers` (set in a subclass)."""

    good = ()
    answers = ()

    def _all_checks(self):
        return [check for check, _ in [*self.good, *self.answers]]

    def pytest_generate_tests(self, metafunc):
        if "way" in metafunc.fixturenames:
            cases = [(check, solution, way) for check, solution in self.good for way in ("visible", "hidden")]
            cases += [(check, answer, way) for check, answer in self.answers for way in ("function", "number")]
            ids = [f"{check.__name__}-{way}" for check, _, way in cases]
            metafunc.parametrize("check, solution, way", cases, ids=ids)
        elif "reference" in metafunc.fixturenames:
            ids = [check.__name__ for check, _ in self.good]
            metafunc.parametrize("check, reference", list(self.good), ids=ids)
        elif "check" in metafunc.fixturenames:
            checks = self._all_checks()
            metafunc.parametrize("check", checks, ids=[check.__name__ for check in checks])

    def test_reference_passes(self, check, solution, way, capsys):
        """The reference passes, and the check cell shows only the one-line confirmation."""
        if way == "number":
            result = check(solution())  # a numeric answer may be given as the number itself
        elif way == "function":
            result = check(solution)
        else:
            result = check(solution, hidden=(way == "hidden"))
        assert result is None
        out = capsys.readouterr().out
        assert out.startswith(f"✓ {solution.__name__}: ")
        assert out.count("\n") == 1

    def test_stub_is_not_implemented_yet(self, check):
        with pytest.raises(AssertionError, match="not implemented yet"):
            check(stub)

    def test_student_exception_is_reported_as_theirs(self, check):
        with pytest.raises(AssertionError, match=r"your function raised IndexError: tuple index out of range") as e:
            check(crashes)
        assert reported_at(crashes, "return args[10**6]") in str(e.value)

    def test_exception_inside_numpy_points_at_the_students_line(self, check):
        with pytest.raises(AssertionError, match="your function raised LinAlgError: Matrix is not positive") as e:
            check(crashes_in_numpy)
        assert reported_at(crashes_in_numpy, "return np.linalg.cholesky(not_positive_definite)") in str(e.value)
        assert "raised inside numpy, called from that line" in str(e.value)

    @in_process_only
    def test_hidden_runs_the_visible_cases_then_the_teachers(self, check, reference, monkeypatch, capsys):
        """hidden=True runs every visible case in its order, and the teacher-only cases together, as one block."""
        real_call = Exercise.call
        seen = []

        def recording_call(ex, func, *args, case=None, **kwargs):
            if not seen or seen[-1] != case:  # a check may call the function more than once per case
                seen.append(case)
            return real_call(ex, func, *args, case=case, **kwargs)

        monkeypatch.setattr(Exercise, "call", recording_call)
        check(reference)
        visible = list(seen)
        seen.clear()
        check(reference, hidden=True)
        assert [case for case in seen if case in visible] == visible
        extra = [i for i, case in enumerate(seen) if case not in visible]
        assert extra == list(range(extra[0], extra[0] + len(extra))) if extra else True
