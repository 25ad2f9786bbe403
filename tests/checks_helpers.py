"""What every exercise check does, whatever the lesson; shared by tests/test_checks_lesson*.py.

A lesson's test file gets these tests for all its checks by declaring them:

    class TestEveryCheck(CheckContract):
        good = [(checks.check_assign, assign), ...]        # a check and a reference solution
        answers = [(checks.check_r_nearest, r_nearest)]    # a numeric answer, as a function of no arguments

A reference solution is named like the exercise, so the confirmation starts with "✓ <its name>:".
(Imported by name: pytest puts tests/ on sys.path, as it has no __init__.py.)
"""

import inspect

import numpy as np
import pytest

from coursepkg.checks._core import Exercise


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
