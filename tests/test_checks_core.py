"""The shared check machinery: an exception in the student's function is reported at the student's own line."""

import linecache
import statistics

import numpy as np
import pytest
import scipy.linalg
from checks_helpers import reported_at

from coursepkg.checks._core import CheckFailed, Exercise, _is_library_file
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
