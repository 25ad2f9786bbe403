"""The claims helper, and the rule that every check cell of a lesson asserts what it prints.

A check cell is a code cell of a lesson (``notebooks/``) that calls ``print``. It must also
contain an ``assert`` statement or a call of ``coursepkg.claims`` (``claims.close(...)`` and so on),
so that nbval, which compares no outputs, fails when the printed claim is false.
"""

import ast
import json
from pathlib import Path

import numpy as np
import pytest

from coursepkg import claims

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _source(cell):
    lines = "".join(cell["source"]).splitlines()
    # IPython magics are not Python
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def _calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node.func


def prints(tree):
    return any(isinstance(f, ast.Name) and f.id == "print" for f in _calls(tree))


def asserts(tree):
    if any(isinstance(node, ast.Assert) for node in ast.walk(tree)):
        return True
    return any(
        isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "claims"
        and f.attr in claims.__all__
        for f in _calls(tree)
    )


def unasserted_check_cells(path):
    cells = json.loads(path.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    bad = []
    for number, cell in enumerate(code, start=1):
        tree = ast.parse(_source(cell))
        if prints(tree) and not asserts(tree):
            bad.append(number)
    return bad


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_every_check_cell_of_a_lesson_asserts_its_claim(path):
    bad = unasserted_check_cells(path)
    assert not bad, (
        f"{path.name}: code cells {bad} (counting code cells from 1) print but assert nothing; "
        "add an assert or a coursepkg.claims call that fails when the printed claim is false"
    )


def test_the_rule_recognises_a_printing_cell_without_a_claim():
    assert prints(ast.parse("print(f'{x:.3f}')")) and not asserts(ast.parse("print(f'{x:.3f}')"))
    assert asserts(ast.parse("assert x < 1\nprint(x)"))
    assert asserts(ast.parse("claims.at_most('x', x, 1)"))
    assert not asserts(ast.parse("other.at_most('x', x, 1)"))


def test_close_passes_within_tolerance_and_prints_both_numbers(capsys):
    assert claims.close("pi", 3.14159, np.pi, atol=1e-4) == 3.14159
    out = capsys.readouterr().out
    assert out.startswith("✓ pi: 3.14159") and "expected 3.14159" in out


def test_close_fails_with_both_numbers():
    with pytest.raises(AssertionError, match=r"got 3\.2, expected 3\.14159.*largest difference"):
        claims.close("pi", 3.2, np.pi, atol=1e-3)


def test_close_relative_tolerance_and_arrays():
    claims.close("arrays", [1.0, 100.0], [1.001, 100.1], rtol=2e-3)
    with pytest.raises(AssertionError):
        claims.close("arrays", [1.0, 100.0], [1.01, 100.1], rtol=2e-3)


@pytest.mark.parametrize("kwargs", [{}, {"atol": -1.0}, {"rtol": -0.1, "atol": 1.0}])
def test_close_needs_a_tolerance(kwargs):
    with pytest.raises(ValueError, match="tolerance"):
        claims.close("x", 1.0, 1.0, **kwargs)


def test_nan_is_never_a_pass():
    for claim in (lambda: claims.close("x", np.nan, 1.0, atol=1.0), lambda: claims.at_most("x", np.nan, 1.0),
                  lambda: claims.at_least("x", [1.0, np.inf], 0.0), lambda: claims.between("x", np.nan, 0, 1)):
        with pytest.raises(AssertionError, match="not a finite number"):
            claim()


def test_bounds():
    claims.at_most("largest increase", np.array([-3.0, -1e-12, 0.0]), 0.0)
    with pytest.raises(AssertionError, match="largest value 1e-09 is above the bound 0"):
        claims.at_most("largest increase", np.array([-3.0, 1e-9]), 0.0)
    claims.at_least("gap", [0.2, 0.5], 0.0)
    with pytest.raises(AssertionError, match="below the bound"):
        claims.at_least("gap", [0.2, -0.5], 0.0)
    claims.between("weight", 0.6, 0.5, 0.7)
    with pytest.raises(AssertionError, match="outside"):
        claims.between("weight", 0.8, 0.5, 0.7)
    with pytest.raises(ValueError, match="low must be at most high"):
        claims.between("weight", 0.6, 0.7, 0.5)


def test_equal_and_holds():
    claims.equal("count", 6, 6)
    claims.equal("labels", np.array([0, 1]), [0, 1])
    with pytest.raises(AssertionError, match="got 5, expected 6"):
        claims.equal("count", 5, 6)
    claims.holds("converged", True, "after 12 iterations")
    with pytest.raises(AssertionError, match="converged: false"):
        claims.holds("converged", False)
    with pytest.raises(ValueError, match="must be a bool"):
        claims.holds("converged", np.array([True, False]))


def test_empty_arrays_prove_nothing():
    with pytest.raises(ValueError, match="empty"):
        claims.at_most("x", [], 0.0)


def test_table_checks_every_number_it_prints(capsys):
    claims.table("t", [[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0 + 1e-9]], rows=["a", "bb"],
                 columns=["x", "y"], atol=1e-6, decimals=1)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✓ t:") and out[-2].split() == ["a", "1.0", "2.0"]
    assert out[-1].split() == ["bb", "3.0", "4.0"]
    with pytest.raises(AssertionError):
        claims.table("t", [[1.0, 2.0]], [[1.0, 2.5]], rows=["a"], columns=["x", "y"], atol=1e-6)
    assert capsys.readouterr().out == ""  # a failed table prints nothing
    with pytest.raises(ValueError, match="shape"):
        claims.table("t", [[1.0, 2.0]], [[1.0, 2.0]], rows=["a", "b"], columns=["x", "y"], atol=1e-6)
