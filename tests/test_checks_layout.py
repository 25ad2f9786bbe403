"""The layout of coursepkg.checks: lessons share code only through _core, and every check counts the same way.

Also: lesson 01's soft_assign and lesson 08's soft_responsibilities, two names for one judge, name every
typical mistake either of them knows.
"""

import ast
from pathlib import Path

import numpy as np
import pytest

from coursepkg.checks import lesson01, lesson08

CHECKS = Path(lesson01.__file__).parent
MODULES = sorted(CHECKS.rglob("*.py"))
LESSONS = sorted(CHECKS.glob("lesson*.py"))


def _imports(path):
    """(module, names) of every `from ... import ...` in the file, the module as written (dots kept)."""
    tree = ast.parse(path.read_text())
    return [
        ("." * node.level + (node.module or ""), [alias.name for alias in node.names])
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    ]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_a_lesson_imports_nothing_from_another_lesson(path):
    for module, names in _imports(path):
        assert "lesson" not in module, f"{path.name} imports {names} from {module}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CHECKS)))
def test_no_check_module_uses_a_private_name_of_another_module(path):
    for module, names in _imports(path):
        private = [name for name in names if name.startswith("_")]
        assert not private, f"{path.relative_to(CHECKS)} imports {private} from {module}"
    attributes = {node.attr for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Attribute)}
    private = {a for a in attributes if a.startswith("_") and not a.endswith("__")}
    assert not private, f"{path.relative_to(CHECKS)} uses {sorted(private)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CHECKS)))
def test_only_exercise_holds_counts_a_check(path):
    counting = [line.strip() for line in path.read_text().splitlines() if "n_checks +=" in line]
    expected = ["self.n_checks += 1"] if path.name == "exercise.py" else []
    assert counting == expected


# ---------------------------------------------------------------- one judge for soft assignments


def _sq(X, C):
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


def _softmax(a):
    a = a - a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)


def _right(X, C, beta):
    return _softmax(-0.5 * beta * _sq(X, C))


def _one_hot(X, C, beta):
    return np.eye(len(C))[np.argmin(_sq(X, C), axis=1)]


def _inverse_beta(X, C, beta):
    return _softmax(-0.5 / beta * _sq(X, C)) if beta > 0 else _right(X, C, beta)


def _text(X, C, beta):
    return "not a table"


@pytest.mark.parametrize("check", [lesson01.check_soft_assign, lesson08.check_soft_responsibilities])
@pytest.mark.parametrize(
    "wrong, message",
    [
        (_one_hot, "you returned the hard one-hot table; the soft table is a softmax, not an argmin"),
        (_inverse_beta, "beta is the inverse variance: the exponent is -beta/2 d"),
        (_text, r"should be a numeric array of shape \(\d+, 3\); got str"),
        (lambda X, C, b: _right(X, C, b).T * np.nan, "contain"),  # NaN in a transposed table: explained as NaN
    ],
)
def test_both_soft_checks_know_every_mistake(check, wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        check(wrong)
