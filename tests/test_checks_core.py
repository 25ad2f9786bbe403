"""The shared check machinery: student exceptions reported at their own line, counting, cases, shared feedback."""

import linecache
import statistics

import numpy as np
import pytest
import scipy.linalg
from checks_helpers import reported_at

from coursepkg.checks._core import (
    CheckFailed,
    Exercise,
    answer_value,
    cases_for,
    judge_answer,
    labels_array,
    nonfinite_of_shape,
    normalised_over_points,
)
from coursepkg.checks._core.failure import _is_library_file
from coursepkg.gaussian import log_pdf

X = np.zeros((4, 2))


def report(student, *args):
    """The feedback Exercise.call gives when `student` raises."""
    with pytest.raises(CheckFailed) as e:
        Exercise("demo").call(student, *args, case="the demo case")
    return str(e.value)


# ---------------------------------------------------------------- student functions that raise


def plain_error(X):
    total = X.sum()
    return total + X[len(X)]


def cholesky_of_a_bad_matrix(X):
    S = X.T @ X - np.eye(X.shape[1])  # not positive definite
    L = np.linalg.cholesky(S)
    return L


def broadcasting_in_numpy(X):
    means = np.ones((3, X.shape[1] + 1))
    return np.vstack([X, means])


def broadcasting_in_an_operator(X):
    return X + np.ones(X.shape[1] + 1)


def scipy_cholesky(X):
    return scipy.linalg.cholesky(-np.eye(2))


def stdlib_error(X):
    return statistics.mean(X[:0, 0].tolist())


def coursepkg_error(X):
    return log_pdf(X, np.zeros(2), -np.eye(2))


def _helper(S):
    return np.linalg.cholesky(S)


def calls_its_own_helper(X):
    return _helper(-np.eye(2))


# ---------------------------------------------------------------- the line reported


def test_plain_error_in_the_students_body():
    message = report(plain_error, X)
    assert message.startswith("✗ demo: your function raised IndexError: index 4 is out of bounds")
    assert "on the demo case." in message
    assert reported_at(plain_error, "return total + X[len(X)]") in message
    assert "raised inside" not in message


def test_numpy_linalg_error_points_at_the_students_call():
    message = report(cholesky_of_a_bad_matrix, X)
    assert "your function raised LinAlgError: Matrix is not positive definite on the demo case." in message
    assert reported_at(cholesky_of_a_bad_matrix, "L = np.linalg.cholesky(S)") in message
    assert message.endswith("\n  (raised inside numpy, called from that line)")
    assert "_linalg.py" not in message and "raise LinAlgError" not in message


@pytest.mark.parametrize(
    "student, text",
    [
        (broadcasting_in_numpy, "return np.vstack([X, means])"),
        (broadcasting_in_an_operator, "return X + np.ones(X.shape[1] + 1)"),
    ],
)
def test_numpy_value_error_points_at_the_students_line(student, text):
    message = report(student, X)
    assert "your function raised ValueError: " in message
    assert reported_at(student, text) in message


@pytest.mark.parametrize(
    "student, text, library",
    [
        (scipy_cholesky, "return scipy.linalg.cholesky(-np.eye(2))", "scipy"),
        (stdlib_error, "return statistics.mean(X[:0, 0].tolist())", "statistics"),
        (coursepkg_error, "return log_pdf(X, np.zeros(2), -np.eye(2))", "coursepkg"),
    ],
)
def test_other_libraries_point_at_the_students_call(student, text, library):
    message = report(student, X)
    assert reported_at(student, text) in message
    assert f"(raised inside {library}, called from that line)" in message


def test_the_deepest_line_of_the_students_code_is_named():
    message = report(calls_its_own_helper, X)
    assert reported_at(_helper, "return np.linalg.cholesky(S)") in message


def test_a_library_function_passed_itself_names_no_line():
    message = report(np.linalg.cholesky, -np.eye(2))
    assert "your function raised LinAlgError: Matrix is not positive definite on the demo case." in message
    assert "of your code" not in message


def test_code_typed_in_a_notebook_cell_is_the_students():
    cell = "/tmp/ipykernel_4242/1234567890.py"  # how ipykernel names a cell; it puts the source in linecache
    source = "def student(X):\n    S = -np.eye(2)\n    return np.linalg.cholesky(S)\n"
    linecache.cache[cell] = (len(source), None, source.splitlines(True), cell)
    try:
        namespace = {"np": np}
        exec(compile(source, cell, "exec"), namespace)
        message = report(namespace["student"], X)
    finally:
        del linecache.cache[cell]
    assert "\n  at line 3 of your code: return np.linalg.cholesky(S)\n" in message


# ---------------------------------------------------------------- what counts as a library


LIBRARY_FILES = {
    "numpy": (np.linalg.__file__, True),
    "scipy": (scipy.linalg.__file__, True),
    "stdlib": (statistics.__file__, True),
    "coursepkg": (Exercise.call.__code__.co_filename, True),
    "frozen stdlib": ("<frozen importlib._bootstrap>", True),
    "site-packages": ("/somewhere/lib/python3.12/site-packages/sklearn/base.py", True),
    "dist-packages": ("/usr/lib/python3/dist-packages/numpy/core/numeric.py", True),
    "this test file": (__file__, False),
    "notebook cell": ("/tmp/ipykernel_4242/1234567890.py", False),
    "old IPython cell": ("<ipython-input-3-0123456789ab>", False),
    "exec'd string": ("<string>", False),
}


@pytest.mark.parametrize("filename, library", LIBRARY_FILES.values(), ids=LIBRARY_FILES.keys())
def test_library_files(filename, library):
    assert _is_library_file(filename) is library


def test_name_mistake_names_the_first_reproduced_mistake_only():
    ex = Exercise("demo")
    mistakes = [
        (np.array([np.inf, 1.0]), "never matches: not finite"),
        (np.array([1.0, 2.0, 3.0]), "never matches: other shape"),
        (np.array([1.0, 2.0 + 1e-7]), "divided by n instead of N_k"),
        (np.array([1.0, 2.0]), "second match, not reported"),
    ]
    with pytest.raises(AssertionError, match=r"demo: on case A: divided by n instead of N_k\.$"):
        ex.name_mistake([1.0, 2.0], mistakes, "on case A", rtol=1e-6, atol=0)
    # outside the tolerance nothing is named and the caller goes on to its general message
    ex.name_mistake([1.0, 2.1], mistakes, "on case A", rtol=1e-6, atol=0)


# ---------------------------------------------------------------- counting, cases, shared feedback


def test_every_passed_comparison_counts_itself_and_a_failed_one_does_not():
    ex = Exercise("demo")
    assert ex.holds(True) and not ex.holds(False)
    assert ex.agrees([1.0, 2.0], [1.0, 2.0 + 1e-12], rtol=0, atol=1e-9)
    assert not ex.agrees(1.0, 1.1, rtol=0, atol=1e-9)
    ex.expect(1 < 2, "never shown")
    ex.close([1.0], [1.0], "never shown")
    ex.array([[1.0, 2.0]], (1, 2))
    assert ex.n_checks == 5
    with pytest.raises(CheckFailed, match="demo: shown"):
        ex.expect(False, "shown")
    with pytest.raises(CheckFailed, match=r"differs \(largest difference from the reference: 0.5\)"):
        ex.close([1.0], [1.5], "differs")
    with pytest.raises(CheckFailed, match="NaN"):
        ex.array([np.nan], (1,))
    assert ex.n_checks == 5


def test_agrees_is_allclose_with_the_tolerances_given():
    ex = Exercise("demo")
    assert ex.agrees(100.0, 100.0 + 1e-4, rtol=1e-6, atol=0)  # |d| <= atol + rtol |want|
    assert not ex.agrees(100.0, 100.0 + 1e-3, rtol=1e-6, atol=0)
    assert ex.agrees(0.5, 0.5 + 5e-5, rtol=0, atol=5e-5)


def test_cases_for_puts_the_teacher_cases_after_the_visible_ones():
    assert cases_for([1, 2], [3], hidden=False) == [1, 2]
    assert cases_for([1, 2], [3], hidden=True) == [1, 2, 3]
    assert cases_for([1], (), hidden=True) == [1]


def test_normalised_over_points():
    table = np.array([[0.2, 0.8], [0.6, 0.4], [0.9, 0.1]])
    assert not normalised_over_points(table)
    assert normalised_over_points(table / table.sum(axis=0))
    assert not normalised_over_points(table * 2)


def test_nonfinite_of_shape_finds_nan_only_in_the_shapes_given():
    bad = np.array([[np.nan, 1.0, 2.0]])
    assert nonfinite_of_shape(bad, (1, 3)) is not None
    assert nonfinite_of_shape(bad.T, (1, 3), (3, 1)) is not None
    assert nonfinite_of_shape(bad, (3, 1)) is None
    assert nonfinite_of_shape(np.ones((1, 3)), (1, 3)) is None
    assert nonfinite_of_shape("text", (1, 3)) is None
    assert nonfinite_of_shape([[1.0], [2.0, 3.0]], (2,)) is None  # ragged: left to Exercise.array


def test_answer_value_counts_an_answer_and_refuses_none():
    ex = Exercise("demo")
    assert answer_value(ex, lambda: 0.25, "demo()") == 0.25
    assert answer_value(ex, 0.5, "demo()") == 0.5
    assert ex.n_checks == 2
    with pytest.raises(CheckFailed, match=r"demo\(\) returned None; did you forget `return`\?"):
        answer_value(ex, lambda: None, "demo()")


def test_judge_answer(capsys):
    mistakes = [(2.0, "you doubled it")]
    judge_answer(Exercise("demo"), 1.0, 1.0, atol=1e-6, passed="yes", mistakes=mistakes, mistake_atol=1e-3, hint="x")
    assert capsys.readouterr().out == "✓ demo: 1 check passed (yes).\n"
    with pytest.raises(CheckFailed, match=r"^✗ demo: your answer 2: you doubled it\.$"):
        judge_answer(Exercise("demo"), 2.0, 1.0, atol=1e-6, passed="", mistakes=mistakes, mistake_atol=1e-3, hint="")
    with pytest.raises(CheckFailed, match=r"^✗ demo: your answer 3 is not one\.$"):
        judge_answer(
            Exercise("demo"), 3.0, 1.0, atol=1e-6, passed="", mistakes=mistakes, mistake_atol=1e-3, hint="one."
        )


def test_labels_array_counts_one_check_and_explains_float_labels():
    ex = Exercise("demo")
    assert labels_array(ex, np.array([0, 2, 1]), 3).tolist() == [0, 2, 1]
    assert ex.n_checks == 1
    with pytest.raises(CheckFailed, match="whole numbers but as float64"):
        labels_array(ex, np.array([0.0, 2.0, 1.0]), 3)
    with pytest.raises(CheckFailed, match="should be integer cluster indices"):
        labels_array(ex, np.array([0.5, 2.0, 1.0]), 3)
