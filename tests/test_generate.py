"""`coursepkg generate`: student versions of the exercise notebooks, generated from the solutions."""

import hashlib
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from coursepkg import cli
from coursepkg.generate import MarkerError, expected_files, generate, make_exercise, stale_report
from coursepkg.nbgrader_source import (
    cell_label,
    check_grade_ids,
    code_stub,
    exercise_name,
    find_regions,
    grade_id,
    is_check,
    is_locked,
    is_manually_graded,
    is_read_only,
    is_solution,
    nbgrader_meta,
    points,
    read_solution,
    solution_paths,
    strip_hidden_tests,
    student_source,
)

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
FIXTURES = ROOT / "tests" / "fixtures" / "solutions"
REAL = sorted(SOLUTIONS.glob("*.ipynb"))
ALL = REAL + sorted(FIXTURES.glob("*.ipynb"))
IDS = [str(p.relative_to(ROOT)) for p in ALL]


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).iterdir())}


def _code(line):
    """A line without its trailing comment (`  # ...`) and surrounding blanks."""
    return re.sub(r"\s+#.*$", "", line).strip()


def _region_lines(nb, kind):
    """Every line strictly inside a region of `kind` with a letter or digit in it, and every line outside.

    (A line of brackets alone, such as a call's closing `)`, gives nothing away.) Lines are compared without
    their trailing comments: code the notebook gives the student elsewhere (a broken version to repair, say,
    commented differently) is no leak.
    """
    inside, outside = set(), set()
    for cell in nb.cells:
        lines = cell.source.splitlines()
        covered = set()
        for r in find_regions(cell.source):
            covered.update(range(r.begin, r.end + 1))
            if r.kind == kind:
                code = [_code(line) for line in lines[r.begin + 1 : r.end]]
                inside.update(line for line in code if any(c.isalnum() for c in line))
        outside.update(_code(line) for i, line in enumerate(lines) if i not in covered)
    return inside, outside


@pytest.mark.parametrize("source", [SOLUTIONS, FIXTURES] if REAL else [FIXTURES], ids=lambda p: p.name)
def test_generation_is_deterministic(tmp_path, source):
    generate(source, tmp_path / "a")
    first = _digest(tmp_path / "a")
    assert generate(source, tmp_path / "a") == [], "a second run rewrote files"
    generate(source, tmp_path / "b")
    assert _digest(tmp_path / "b") == first
    assert _digest(tmp_path / "a") == first
    assert len(first) == 2 * len(list(Path(source).glob("*.ipynb")))


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_no_solution_or_hidden_test_leaks(path):
    solution = nbformat.read(path, as_version=4)
    text = "".join(expected_files(path.parent)[path.stem + suffix] for suffix in (".ipynb", ".py"))
    exercise = make_exercise(solution)
    generated = "\n".join(c.source for c in exercise.cells)
    for kind in ("SOLUTION", "HIDDEN TESTS"):
        inside, outside = _region_lines(solution, kind)
        # a line that also stands outside every region (say `return resp`) gives nothing away
        leaked = {line for line in inside - outside if line in generated}
        assert not leaked, f"{kind.lower()} lines leak into the exercise: {sorted(leaked)}"
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_stubs_raise_and_metadata_kept(path):
    solution = nbformat.read(path, as_version=4)
    exercise = make_exercise(solution)
    assert [c.metadata for c in exercise.cells] == [c.metadata for c in solution.cells]
    assert [c.cell_type for c in exercise.cells] == [c.cell_type for c in solution.cells]
    assert exercise.metadata == solution.metadata
    n_stubs = 0
    for before, after in zip(solution.cells, exercise.cells, strict=True):
        if after.cell_type == "code":
            assert after.outputs == [] and after.execution_count is None
        regions = [r for r in find_regions(before.source) if r.kind == "SOLUTION"]
        if not regions:
            continue
        if after.cell_type == "markdown":
            assert after.source.count("YOUR ANSWER HERE") == len(regions)
            continue
        n_stubs += len(regions)
        assert after.source.count("raise NotImplementedError(") == len(regions)
        for region in regions:  # the stub stands at the indentation of its BEGIN line
            assert (
                f'\n{region.indent}# YOUR CODE HERE\n{region.indent}raise NotImplementedError("' in "\n" + after.source
            )
        compile(after.source, f"{path.name} {nbgrader_meta(after).get('grade_id')}", "exec")
    assert n_stubs > 0, f"{path.name} has no solution region"


def _nbgrader_cell(**meta):
    return nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"schema_version": 3, **meta}})


def test_what_nbgrader_metadata_makes_a_cell():
    answer = _nbgrader_cell(grade_id="ex1_solution", solution=True, grade=False, locked=False)
    check = _nbgrader_cell(grade_id="ex1_check", solution=False, grade=True, locked=True, points=2)
    setup = _nbgrader_cell(grade_id="setup", solution=False, grade=False, locked=True)
    written = _nbgrader_cell(grade_id="q1", solution=True, grade=True, locked=False, points=1.5)
    unlocked_test = _nbgrader_cell(grade_id="ex2_check", solution=False, grade=True, locked=False, points=1)
    plain = nbformat.v4.new_code_cell("x = 1")
    kinds = {
        "answer": answer,
        "check": check,
        "setup": setup,
        "written": written,
        "unlocked_test": unlocked_test,
        "plain": plain,
    }
    table = {
        name: (
            grade_id(c),
            points(c),
            is_solution(c),
            is_check(c),
            is_locked(c),
            is_read_only(c),
            is_manually_graded(c),
        )
        for name, c in kinds.items()
    }
    assert table == {
        "answer": ("ex1_solution", 0.0, True, False, False, False, False),
        "check": ("ex1_check", 2.0, False, True, True, False, False),
        "setup": ("setup", 0.0, False, False, True, True, False),
        "written": ("q1", 1.5, True, False, False, False, True),
        "unlocked_test": ("ex2_check", 1.0, False, True, True, False, False),  # nbgrader: a graded test is locked
        "plain": (None, 0.0, False, False, False, False, False),
    }
    assert nbgrader_meta(plain) == {} and nbgrader_meta(check)["points"] == 2
    assert not is_check(_nbgrader_cell(solution=False, grade=True, points=1))  # no grade_id, nothing to grade by
    assert [cell_label(c, 3) for c in (check, plain)] == ["cell 3 (ex1_check)", "cell 3"]
    assert [exercise_name(c) for c in (answer, written, plain)] == ["ex1", "q1", "this exercise"]


def test_stubs_and_hidden_tests_alone():
    assert code_stub("    ", "ex2") == [
        "    # YOUR CODE HERE",
        '    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")',
    ]
    src = "check(f)\n### BEGIN HIDDEN TESTS\nassert secret\n### END HIDDEN TESTS\nprint('done')\n"
    assert strip_hidden_tests(src) == "check(f)\nprint('done')"


def test_grade_cells_need_points_and_metadata_a_grade_id():
    for cells, message in [
        ([_nbgrader_cell(grade_id="ex1_check", grade=True, solution=False)], "needs a non-negative number of points"),
        ([_nbgrader_cell(grade_id="ex1_check", grade=True, solution=False, points=-1)], "got -1"),
        ([_nbgrader_cell(solution=True)], "cell 0 has nbgrader metadata but no grade_id"),
    ]:
        with pytest.raises(MarkerError, match=message):
            check_grade_ids(nbformat.v4.new_notebook(cells=cells), "nb")
    check_grade_ids(nbformat.v4.new_notebook(cells=[_nbgrader_cell(grade_id="ex1_solution", solution=True)]), "nb")


def test_solution_notebooks_of_a_folder(tmp_path):
    nb = nbformat.read(next(FIXTURES.glob("*.ipynb")), as_version=4)
    nbformat.write(nb, tmp_path / "02_b.ipynb")
    jupytext.write(nb, tmp_path / "02_b.py", fmt="py:percent")  # a twin: the .ipynb is the one read
    jupytext.write(nb, tmp_path / "01_a.py", fmt="py:percent")  # no .ipynb: the .py is the solution
    (tmp_path / "helpers.py").write_text("def f():\n    pass\n")  # not a notebook
    assert solution_paths(tmp_path) == [tmp_path / "01_a.py", tmp_path / "02_b.ipynb"]
    from_py, from_ipynb = (read_solution(p) for p in solution_paths(tmp_path))
    assert [c.source for c in from_py.cells] == [c.source for c in from_ipynb.cells] == [c.source for c in nb.cells]
    assert [grade_id(c) for c in from_py.cells] == [grade_id(c) for c in nb.cells]


def test_a_stub_raises_not_implemented_error():
    cell = nbformat.v4.new_code_cell(
        "def f(x):\n    y = x\n    ### BEGIN SOLUTION\n    return 2 * y\n    ### END SOLUTION",
        metadata={"nbgrader": {"grade_id": "ex4_solution", "solution": True, "grade": False, "locked": False}},
    )
    namespace = {}
    exec(student_source(cell), namespace)
    with pytest.raises(NotImplementedError, match="Exercise ex4: write your code here"):
        namespace["f"](1)


def test_markdown_answers_and_unmarked_solution_cells():
    meta = {"nbgrader": {"grade_id": "q1", "solution": True, "grade": False, "locked": False}}
    md = nbformat.v4.new_markdown_cell("Why?\n\n### BEGIN SOLUTION\nBecause 0/0.\n### END SOLUTION", metadata=meta)
    assert student_source(md) == "Why?\n\nYOUR ANSWER HERE"
    whole = nbformat.v4.new_markdown_cell("Because 0/0.", metadata=meta)
    assert student_source(whole) == "YOUR ANSWER HERE"  # nbgrader's rule for a cell without markers
    code = nbformat.v4.new_code_cell("x = 42", metadata=meta)
    assert "x = 42" not in student_source(code) and "NotImplementedError" in student_source(code)


def test_several_regions_and_hidden_tests():
    src = (
        "a = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\nc = 3\n"
        "if True:\n    ### BEGIN SOLUTION\n    d = 4\n    ### END SOLUTION\n"
        "check(a)\n### BEGIN HIDDEN TESTS\nassert secret\n### END HIDDEN TESTS"
    )
    out = student_source(nbformat.v4.new_code_cell(src))
    assert "b = 2" not in out and "d = 4" not in out and "secret" not in out
    assert out.count("NotImplementedError") == 2 and "a = 1" in out and "c = 3" in out and out.endswith("check(a)")
    assert "\n    # YOUR CODE HERE\n    raise NotImplementedError" in out


@pytest.mark.parametrize(
    "source, message",
    [
        ("### BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n### END SOLUTION", "without a matching"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n### END SOLUTION", "inside the region"),
        ("### BEGIN SOLUTION\nx = 1\n### END HIDDEN TESTS", "without a matching"),
        ("### BEGIN HIDDEN TESTS\nassert x", "never closed"),
        ("x = 1  ### BEGIN SOLUTION\n### END SOLUTION", "stand alone"),
    ],
)
def test_unbalanced_markers_are_refused(tmp_path, capsys, source, message):
    with pytest.raises(MarkerError, match=message):
        find_regions(source)
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"grade_id": "ex1_solution", "solution": True}})
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    (tmp_path / "src").mkdir()
    nbformat.write(nb, tmp_path / "src" / "01_x.ipynb")
    assert cli.main(["generate", "--source", str(tmp_path / "src"), "--dest", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "refusing" in err and "01_x.ipynb" in err and "ex1_solution" in err and "line" in err
    assert not (tmp_path / "out").exists(), "nothing may be written from a broken solution"


def test_duplicate_grade_ids_are_refused():
    meta = {"nbgrader": {"grade_id": "ex1_check", "grade": True, "solution": False, "locked": True, "points": 1}}
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("a", metadata=meta), nbformat.v4.new_code_cell("b", metadata=meta)]
    )
    with pytest.raises(MarkerError, match="used by cells 0 and 1"):
        make_exercise(nb)


def test_the_py_twin_is_in_sync_with_the_ipynb(tmp_path):
    generate(FIXTURES, tmp_path)
    for ipynb in tmp_path.glob("*.ipynb"):
        regenerated = jupytext.writes(jupytext.read(ipynb), fmt="py:percent")
        assert regenerated == ipynb.with_suffix(".py").read_text()


def test_check_reports_stale_missing_and_extra_files(tmp_path, capsys):
    args = ["generate", "--source", str(FIXTURES), "--dest", str(tmp_path)]
    assert cli.main(args) == 0
    assert cli.main([*args, "--check"]) == 0
    py = next(tmp_path.glob("*.py"))
    py.write_text(py.read_text().replace("# YOUR CODE HERE", "# my answer", 1))
    (tmp_path / py.with_suffix(".ipynb").name).unlink()
    (tmp_path / "99_extra.ipynb").write_text("{}")
    capsys.readouterr()
    assert cli.main([*args, "--check"]) == 1
    err = capsys.readouterr().err
    assert "stale (2 lines differ)" in err and "# my answer" in err
    assert "missing" in err and "99_extra.ipynb: not generated" in err
    assert "python -m coursepkg generate" in err


def test_check_ignores_the_jupytext_version_stamp(tmp_path):
    generate(FIXTURES, tmp_path)
    py = next(tmp_path.glob("*.py"))
    py.write_text(re.sub(r"jupytext_version: .*", "jupytext_version: 0.0.1", py.read_text()))
    assert stale_report(FIXTURES, tmp_path) == []


@pytest.mark.skipif(not REAL, reason="solutions/ holds no exercise notebook yet: nothing to compare exercises/ with")
def test_committed_exercises_are_up_to_date():
    problems = stale_report(SOLUTIONS, ROOT / "exercises")
    assert not problems, "exercises/ is stale; run `python -m coursepkg generate`:\n" + "\n".join(problems)
