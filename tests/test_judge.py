"""The judge: a check recorded in the student's kernel and judged in the grader's process from plain data.

Every lesson test case is also judged (tests/checks_helpers.py, `judged_in_the_grader_too`); here: the
decorator on every check, the solutions' check cells, the plain data, tampered records, refused cell
sources, a kernel whose numpy or checks were patched, and one real kernel in record mode.
"""

import copy
import json
import math
from pathlib import Path

import nbformat
import numpy as np
import pytest
from checks_helpers import outcome_of

from coursepkg.checks import lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08
from coursepkg.checks._core import RECORD_MIME, Exercise, capture_records, channel, is_exercise_check, plain
from coursepkg.grading.judge import (
    MalformedCheckCell,
    checks_module_for,
    judge_check_cell,
    parse_check_cell,
    records_in,
)
from coursepkg.mixture import GMM
from coursepkg.nbgrader_source import is_check

LESSONS = [lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08]
SOLUTIONS = sorted((Path(__file__).parents[1] / "solutions").glob("*.ipynb"))


def logsumexp(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)), axis=axis)


def only_the_maximum(a, axis):
    return np.max(a, axis=axis)


LSE_CELL = "checks.check_logsumexp(logsumexp)\n### BEGIN HIDDEN TESTS\nchecks.check_logsumexp(logsumexp, hidden=True)\n"


def recorded(run):
    """(Outcome, records) of `run()` in record mode."""
    with capture_records() as records:
        outcome = outcome_of(run)
    return outcome, records


def lse_records():
    _, first = recorded(lambda: lesson05.check_logsumexp(logsumexp))
    _, second = recorded(lambda: lesson05.check_logsumexp(logsumexp, hidden=True))
    return first + second


def judge_one(record, source="checks.check_logsumexp(logsumexp)", module=lesson05):
    (verdict,) = judge_check_cell(source, [record], module).calls
    return verdict


# ---------------------------------------------------------------- every check is recorded, every cell parses


@pytest.mark.parametrize("module", LESSONS, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_public_check_has_the_decorator(module):
    own = [
        getattr(module, name)
        for name in dir(module)
        if name.startswith("check_") and getattr(getattr(module, name), "__module__", None) == module.__name__
    ]
    assert own
    assert [f.__name__ for f in own if not is_exercise_check(f)] == []
    for check in own:
        assert "hidden" not in check.student_parameters and check.student_parameters


def _solution_check_cells():
    for path in SOLUTIONS:
        for cell in nbformat.read(path, as_version=4).cells:
            if is_check(cell):
                yield pytest.param(path, cell.source, id=f"{path.stem}-{cell.metadata.nbgrader.grade_id}")


@pytest.mark.parametrize("path, source", list(_solution_check_cells()))
def test_every_solution_check_cell_is_plain_check_calls(path, source):
    calls = parse_check_cell(source, checks_module_for(path))
    assert len(calls) == source.count("checks.check_")
    assert all(is_exercise_check(call.check) for call in calls)


def test_solutions_have_check_cells():
    assert len(SOLUTIONS) >= 8 and len(list(_solution_check_cells())) >= 30


# ---------------------------------------------------------------- a whole cell


def test_a_cell_passes_with_both_confirmations():
    in_process = outcome_of(lambda: (lesson05.check_logsumexp(logsumexp), lesson05.check_logsumexp(logsumexp, True)))
    verdict = judge_check_cell(LSE_CELL, lse_records(), lesson05)
    assert verdict.passed and [v.passed for v in verdict.calls] == [True, True]
    assert verdict.message == in_process.printed.strip()
    assert [v.mistake for v in verdict.calls] == [None, None]


def test_a_missing_record_fails_that_call():
    records = lse_records()
    verdict = judge_check_cell(LSE_CELL, records[:1], lesson05)
    assert not verdict.passed
    assert verdict.calls[0].passed and not verdict.calls[1].passed
    assert "no record of this check" in verdict.message


def test_no_record_at_all_fails():
    verdict = judge_check_cell(LSE_CELL, [], lesson05)
    assert not verdict.passed and "no record of this check" in verdict.message


def test_an_extra_record_fails_the_cell():
    records = lse_records()
    verdict = judge_check_cell(LSE_CELL, [*records, records[0]], lesson05)
    assert all(v.passed for v in verdict.calls) and not verdict.passed
    assert "3 check records for its 2 checks" in verdict.message


def test_records_in_the_wrong_order_or_of_another_check_fail():
    _, (e_step_record,) = recorded(lambda: lesson05.check_e_step(lambda X, w, m, c: None))
    verdict = judge_one(e_step_record)
    assert not verdict.passed and "one of 'check_e_step', not of check_logsumexp" in verdict.message


def test_records_in_reads_display_data_only():
    record = lse_records()[0]
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "✓ logsumexp"},
        {"output_type": "execute_result", "data": {RECORD_MIME: record}, "metadata": {}, "execution_count": 1},
        {"output_type": "display_data", "data": {RECORD_MIME: record}, "metadata": {}},
        {"output_type": "display_data", "data": {"text/plain": "x"}, "metadata": {}},
        "not an output",
    ]
    assert records_in(outputs) == [record]


# ---------------------------------------------------------------- tampered records


def _first_call(record):
    return next(e for e in record["calls"] if e["op"] == "call")


def _changed(change):
    """A tampering that changes the record in place and returns it."""

    def tamper(record):
        change(record)
        return record

    return tamper


def _set_value(value):
    return _changed(lambda r: _first_call(r).update(value=value))


def _deep(depth):
    value = 1.0
    for _ in range(depth):
        value = [value]
    return value


ARRAY = {"dtype": "float64", "shape": [1], "data": "AAAAAAAAAAA="}
_GMM_BODY = {field: {"$array": ARRAY} for field in ("weights", "means", "covariances")}
TAMPERED = [
    ("a list, not a record", lambda r: ["version", 1], "not an object with the fields"),
    ("another version", _changed(lambda r: r.update(version=2)), "its version is 2"),
    ("an extra field", _changed(lambda r: r.update(code="import os")), "not an object with the fields"),
    ("an unknown op", _changed(lambda r: _first_call(r).update(op="exec")), "known op"),
    ("an extra field in a call", _changed(lambda r: _first_call(r).update(pickle="gASV")), "does not have the fields"),
    ("two outcomes", _changed(lambda r: _first_call(r).update(failure="x")), "does not have the fields"),
    ("an unknown tag", _set_value({"$pickle": "gASVAAAA"}), "unknown tag"),
    ("an object array", _set_value({"$array": {**ARRAY, "dtype": "object"}}), "an array of dtype 'object'"),
    ("not base64", _set_value({"$array": {**ARRAY, "data": "!!!!!!!!!!!="}}), "not base64"),
    ("a wrong length", _set_value({"$array": {**ARRAY, "shape": [9]}}), "length does not match"),
    ("a bare NaN", _set_value(math.nan), "not JSON data"),
    ("a deep value", _set_value(_deep(40)), "nested more than 32 levels"),
    ("an invalid GMM", _set_value({"$gmm": {"weights": 1, "means": 2, "covariances": 3}}), "GMM whose weights"),
    (
        "a GMM of no known type",
        _set_value({"$gmm": {**_GMM_BODY, "covariance_type": 3}}),
        "covariance_type is not a string",
    ),
    ("an entry missing", _changed(lambda r: r["calls"].pop()), "the record ends after"),
    ("an extra entry", _changed(lambda r: r["calls"].append(copy.deepcopy(r["calls"][-1]))), "more uses of your code"),
    (
        "another op in place",
        _changed(lambda r: r["calls"].insert(1, {"op": "given", "who": "student_logsumexp", "result": True})),
        "where the grader expects a call",
    ),
    ("another argument", _changed(lambda r: _first_call(r).update(who="answer")), "was a call of `answer`"),
    (
        "other inputs",
        _changed(lambda r: _first_call(r)["inputs"]["args"].__setitem__(0, "float64[5, 3]")),
        "the inputs of use 2 differ",
    ),
    ("a forged name", _changed(lambda r: r["calls"][0].update(found="os.system")), "does not forbid"),
    ("a value no check expects", _set_value("lots"), "could not judge the values"),
]


@pytest.mark.parametrize("how, tamper, message", TAMPERED, ids=[t[0] for t in TAMPERED])
def test_a_tampered_record_is_a_failure_with_a_clear_message(how, tamper, message):
    verdict = judge_one(tamper(copy.deepcopy(lse_records()[0])))
    assert not verdict.passed
    assert message in verdict.message
    assert verdict.message.startswith("✗ logsumexp: ")


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not valid JSON"),
        ('{"version": 1, "check": "check_logsumexp", "calls": [NaN]}', "not valid JSON"),
        ("x" * (channel.MAX_RECORD_CHARS + 1), "larger than 7 MB"),
        (json.dumps({"version": 1, "check": "check_logsumexp", "calls": []}), "the record ends after 0 uses"),
    ],
    ids=["garbage", "NaN", "oversized", "empty"],
)
def test_a_record_as_text_is_read_strictly(text, message):
    verdict = judge_one(text)
    assert not verdict.passed and message in verdict.message


def test_a_record_as_json_text_is_judged_like_the_dict():
    record = lse_records()[0]
    assert judge_one(json.dumps(record)) == judge_one(record)


def test_a_record_of_a_wrong_value_that_is_too_big_is_refused():
    record = lse_records()[0]
    _first_call(record)["value"] = "y" * (channel.MAX_RECORD_CHARS + 10)
    assert "larger than 7 MB" in judge_one(record).message


# ---------------------------------------------------------------- refused check cells


@pytest.mark.parametrize(
    "source",
    [
        "",
        "# only a comment",
        "x = 1",
        "import os",
        "print('✓ logsumexp')",
        "checks.check_logsumexp(logsumexp); import os",
        "checks.check_logsumexp(logsumexp)\nos.system('true')",
        "other.check_logsumexp(logsumexp)",
        "checks.check_nothing(logsumexp)",
        "checks.__dict__(logsumexp)",
        "checks.Exercise(logsumexp)",
        "checks.softmax_rows(logsumexp)",
        "checks.check_logsumexp(logsumexp, hidden=flag)",
        "checks.check_logsumexp(lambda a, axis: a)",
        "checks.check_logsumexp(logsumexp.__call__)",
        "checks.check_logsumexp(1.5)",
        "checks.check_logsumexp(*functions)",
        "checks.check_logsumexp(**options)",
        "checks.check_logsumexp(logsumexp, hidden=True, extra=1)",
        "checks.check_logsumexp()",
        "checks.check_logsumexp(logsumexp)(1)",
        "%time checks.check_logsumexp(logsumexp)",
        "if True:\n    checks.check_logsumexp(logsumexp)",
    ],
)
def test_a_cell_that_is_not_plain_check_calls_is_refused(source):
    with pytest.raises(MalformedCheckCell):
        judge_check_cell(source, lse_records(), lesson05)


def test_a_helper_named_check_is_not_a_check():
    assert lesson08.judge_soft_assignment is not None  # imported from _core into the lesson
    with pytest.raises(MalformedCheckCell, match="is not a check of"):
        parse_check_cell("checks.judge_soft_assignment(soft_assign)", lesson08)


def test_the_parsed_calls_bind_names_and_constants():
    (call,) = parse_check_cell("checks.check_kl_gap(kl, student_lower_bound=lb, hidden=True)", lesson04)
    assert call.name == "check_kl_gap"
    assert {k: getattr(v, "name", v) for k, v in call.arguments.items()} == {
        "student": "kl",
        "student_lower_bound": "lb",
        "hidden": True,
    }


# ---------------------------------------------------------------- what a patched kernel earns


def test_numpy_patched_in_the_kernel_still_fails_in_the_judge(monkeypatch):
    honest = outcome_of(lambda: lesson05.check_logsumexp(only_the_maximum))
    assert not honest.passed and "only the maximum" in honest.message
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "isclose", lambda *a, **k: True)
    kernel, records = recorded(lambda: lesson05.check_logsumexp(only_the_maximum))
    monkeypatch.undo()
    assert kernel.passed  # the patch fools the check in the kernel...
    verdict = judge_one(records[0])
    assert not verdict.passed  # ...but not the judge, which says what an honest run says
    assert verdict.message == honest.message


def test_a_no_op_failure_helper_in_the_kernel_earns_nothing(monkeypatch):
    monkeypatch.setattr(Exercise, "fail", lambda self, message, mistake=None: None)
    with np.errstate(all="ignore"):  # the check now goes on past its failures, into overflowing cases
        kernel, records = recorded(lambda: lesson05.check_logsumexp(only_the_maximum))
    monkeypatch.undo()
    assert kernel.passed
    assert not judge_one(records[0]).passed


def test_a_replaced_check_in_the_kernel_leaves_no_record(monkeypatch):
    monkeypatch.setattr(lesson05, "check_logsumexp", lambda f, hidden=False: print("✓ logsumexp: 9 checks passed."))
    kernel, records = recorded(lambda: lesson05.check_logsumexp(only_the_maximum))
    monkeypatch.undo()
    assert kernel.passed and records == []
    verdict = judge_check_cell("checks.check_logsumexp(logsumexp)", records, lesson05)
    assert not verdict.passed and "no record" in verdict.message


def test_inputs_changed_in_the_kernel_fail_on_the_fingerprint(monkeypatch):
    monkeypatch.setattr(lesson01, "X_BLOBS", lesson01.X_BLOBS[:30])
    _, records = recorded(lambda: lesson01.check_assign(lambda X, C: np.argmin(((X[:, None] - C) ** 2).sum(2), 1)))
    monkeypatch.undo()
    (verdict,) = judge_check_cell("checks.check_assign(assign)", records, lesson01).calls
    assert not verdict.passed
    assert "the inputs of use 2 differ (in your notebook: (float64[30, 2], float64[3, 2])" in verdict.message
    assert "in the grader: (float64[60, 2], float64[3, 2])" in verdict.message


# ---------------------------------------------------------------- plain data


def _same(a, b):
    if isinstance(a, np.ndarray):
        return type(b) is np.ndarray and a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, True)
    if isinstance(a, GMM):
        fields = ("weights", "means", "covariances")
        return (
            type(b) is GMM
            and a.covariance_type == b.covariance_type
            and all(_same(getattr(a, f), getattr(b, f)) for f in fields)
        )
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float) or isinstance(a, np.floating):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return a == b


ROUND_TRIP = [
    None,
    True,
    0,
    -(2**200),
    1.5,
    -0.0,
    math.nan,
    math.inf,
    -math.inf,
    1 + 2j,
    "text with ✓ and \n",
    [1, [2.0, None]],
    (1, (2, "x")),
    {"a": (1, 2), "b": [np.float64(3.0)]},
    np.float64(0.1),
    np.float32(-0.0),
    np.int64(-7),
    np.bool_(True),
    np.complex128(1 - 1j),
    np.arange(6.0).reshape(2, 3),
    np.arange(6.0).reshape(2, 3).T,  # not C-contiguous
    np.arange(4, dtype=">f8"),  # big-endian: decoded native, same values
    np.array([[np.nan, -np.inf], [np.inf, -0.0]]),
    np.zeros((0, 3)),
    np.array(2.5),
    np.array([True, False]),
    np.arange(5, dtype=np.uint8),
    np.array([1 + 2j, 3j], dtype=np.complex64),
    lesson05.GMM_A,
    GMM(np.array([0.4, 0.6]), np.zeros((2, 1)), np.ones((2, 1, 1))),
    GMM(np.array([0.4, 0.6]), np.zeros((2, 2)), np.array([np.eye(2), 2 * np.eye(2)]), "spherical"),
    GMM(np.array([0.4, 0.6]), np.zeros((2, 2)), np.array([np.eye(2), np.eye(2)]), "tied"),
]


@pytest.mark.parametrize("value", ROUND_TRIP, ids=lambda v: type(v).__name__)
def test_plain_data_round_trips_exactly(value):
    data = plain.Encoder(channel.MAX_VALUE_CHARS)(value)
    text = json.dumps(data, allow_nan=False)  # strict JSON: NaN and inf are tagged
    back = plain.Decoder()(json.loads(text))
    want = value.astype(value.dtype.newbyteorder("=")) if isinstance(value, np.ndarray) else value
    assert _same(want, back)


def _generator(X, C):
    return (x for x in X)


class Box:
    pass


NOT_PLAIN = [
    (lambda X, C: {1, 2}, "a set object"),
    (_generator, "a generator object"),
    (lambda X, C: Box(), "a Box object"),
    (lambda X, C: np.array([X, "x"], dtype=object), "an array of dtype object"),
    (lambda X, C: np.array(["a", "b"]), "an array of dtype <U1"),
    (lambda X, C: np.ma.masked_array([1, 2]), "a MaskedArray (a subclass of numpy's ndarray)"),
    (lambda X, C: np.argmin, "(a function or a type, not a value)"),
    (lambda X, C: {1: "a"}, "a dict whose keys are not all strings"),
    (lambda X, C: _deep(40), "values nested more than 32 levels deep"),
    (
        lambda X, C: np.zeros(1_000_000),
        "too much data on 60 points and 3 centres in 2-D: the grader reads at most 6 MB",
    ),
]


@pytest.mark.parametrize("student, message", NOT_PLAIN, ids=[m for _, m in NOT_PLAIN])
def test_a_value_the_grader_cannot_read_fails_the_same_in_kernel_and_judge(student, message):
    kernel, records = recorded(lambda: lesson01.check_assign(student))
    assert not kernel.passed and message in kernel.message
    verdict = judge_check_cell("checks.check_assign(assign)", records, lesson01)
    assert (verdict.passed, verdict.message) == (False, kernel.message)
    assert len(json.dumps(records[0])) < channel.MAX_RECORD_CHARS


def test_a_huge_failure_text_is_capped_in_the_record():
    def shouts(X, C):
        raise ValueError("A" * 10**6)

    kernel, records = recorded(lambda: lesson01.check_assign(shouts))
    assert not kernel.passed and "more characters cut" in kernel.message
    assert len(json.dumps(records[0])) < 50_000
    assert judge_check_cell("checks.check_assign(assign)", records, lesson01).message == kernel.message


def test_a_check_run_by_the_students_function_records_nothing_of_its_own():
    def nested(a, axis):
        lesson05.check_r_nearest(0.3 if axis else 0.4)  # a check inside: fails, the student's own exception
        return logsumexp(a, axis)

    kernel, records = recorded(lambda: lesson05.check_logsumexp(nested))
    assert len(records) == 1 and records[0]["check"] == "check_logsumexp"
    assert judge_one(records[0]).message == kernel.message


# ---------------------------------------------------------------- a real kernel in record mode


def test_a_kernel_in_record_mode_displays_the_records(monkeypatch, tmp_path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    monkeypatch.setenv(channel.MODE_ENV, "record")
    setup = "import numpy as np\nfrom coursepkg.checks import lesson05 as checks"
    answer = (
        "np.allclose = lambda *a, **k: True  # a student patching numpy\n"
        "def logsumexp(a, axis):\n    return np.max(a, axis=axis)\n"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in (setup, answer, LSE_CELL)])
    client = NotebookClient(
        nb, timeout=60, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}
    )
    try:
        client.execute()
    except CellExecutionError:  # pragma: no cover - allow_errors keeps it from happening
        pass
    outputs = nb.cells[2].outputs
    assert not any(o.output_type == "error" for o in outputs)  # the patched kernel thinks it passed
    verdict = judge_check_cell(LSE_CELL, records_in(outputs), lesson05)
    assert not verdict.passed
    assert verdict.message == outcome_of(lambda: lesson05.check_logsumexp(only_the_maximum)).message
