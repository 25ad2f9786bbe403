"""The channel: the one way a check touches the student's objects, in three modes.

A public check is decorated with `@exercise_check`. Its parameters are the student's objects (all of them
but `hidden`), which the check receives wrapped in handles; it uses them only through `Exercise`:
`ex.call(f, ...)`, `forbid(ex, f, ...)` (which comes to `refers`), `ex.is_callable(a)`, `ex.read(a)` and
`ex.given(a)`. Each of those is one *use* of the student's code, handled here according to the mode:

- normal (a student's notebook, the tests): the use runs in-process, as it always did;
- record (the grader's kernel: the environment variable COURSEPKG_CHECK_MODE=record): it runs in-process
  and its outcome is also written down, in order, as plain data (`plain`): the value returned, or the
  failure text the call produced (the student's exception at their line, "not implemented yet",
  "expected a function", a value the grader cannot read), the name `forbid` found, a bool; with it, a
  fingerprint of the inputs of each call. The check then goes on with the value *as decoded from the
  record*, so it prints what the grader will print. When the check ends, passed or failed, the record
  is displayed as one output of MIME type RECORD_MIME:
      {"version": 1, "check": "check_e_step", "calls": [{"op": "call", "who": "student_e_step",
       "inputs": {"args": ["float64[40, 2]", ...], "kwargs": {}, "case": "..."}, "value": ...}, ...]}
- replay (the grader's own process, `coursepkg.grading.judge`): the check runs with `Replayed` stubs
  in place of the student's objects, and each use returns the next outcome of the record instead of
  running anything; a use that does not match the record (another op, another argument, other inputs,
  no entry left) fails the check with `RecordMismatch`.

`capture_records()` collects the records instead of displaying them (tests).
"""

import contextlib
import contextvars
import functools
import inspect
import json
import os
import sys
import types
import warnings

import numpy as np

from ...mixture import GMM
from . import plain
from .failure import FAIL_MARK, CheckFailed, student_line
from .mistakes import channel_failure_key, mistake_id

MODE_ENV = "COURSEPKG_CHECK_MODE"
RECORD_MIME = "application/vnd.coursepkg.check-record+json"
RECORD_VERSION = 1
# one record travels as one kernel message, and the grader's sockets drop messages over 8 MiB
# (coursepkg.grading.sandbox.MAX_MESSAGE_BYTES): keep a record well below that
MAX_RECORD_CHARS = 7 * 2**20  # the JSON text of one record
MAX_VALUE_CHARS = 6 * 2**20  # what the values in it may take; the rest is for texts and fingerprints
MAX_ENTRIES = 10_000
MAX_TEXT = 20_000  # characters of a failure text kept in the record

Malformed = plain.Malformed

_OPS = {
    "call": "a call of `{who}`",
    "refers": "a look at the code of `{who}`",
    "callable": "a test whether `{who}` is a function",
    "read": "reading the value of `{who}`",
    "given": "a test whether `{who}` was given",
}
_ADVICE = (
    "Restart the kernel and run the whole notebook from the top, without changing `checks` (or coursepkg) "
    "from your own cells."
)


class Live:
    """A student's object in this interpreter; with a recorder, every use of it is recorded."""

    __slots__ = ("obj", "name", "recorder")

    def __init__(self, obj, name, recorder=None):
        self.obj, self.name, self.recorder = obj, name, recorder


class Replayed:
    """A student's object the grader knows only from the record: each use returns the next outcome."""

    __slots__ = ("name", "replay")

    def __init__(self, name, replay):
        self.name, self.replay = name, replay


class RecordMismatch(CheckFailed):
    """Replay found no entry, or another one, than the use the check makes."""


# ---------------------------------------------------------------- modes and the decorator

_RUNNING = contextvars.ContextVar("coursepkg_check_running", default=False)
_CAPTURE = contextvars.ContextVar("coursepkg_check_capture", default=None)


def exercise_check(fn):
    """Make `fn(student..., hidden=False)` a public check: its student arguments reach it as handles.

    Every parameter but `hidden` is a student's object. A check called while another runs (the
    student's function calling a check) runs in-process and records nothing.
    """
    signature = inspect.signature(fn)
    students = tuple(name for name in signature.parameters if name != "hidden")

    @functools.wraps(fn)
    def check(*args, **kwargs):
        return _run(fn, signature, students, args, kwargs)

    check.student_parameters = students
    check.is_exercise_check = True
    return check


def is_exercise_check(obj):
    return isinstance(obj, types.FunctionType) and getattr(obj, "is_exercise_check", False) is True


def _recording():
    return _CAPTURE.get() is not None or os.environ.get(MODE_ENV, "") == "record"


def _run(fn, signature, students, args, kwargs):
    bound = signature.bind(*args, **kwargs)
    given = {name: bound.arguments[name] for name in students if name in bound.arguments}
    replaying = any(isinstance(obj, Replayed) for obj in given.values())
    recorder = Recorder(fn.__name__) if not replaying and not _RUNNING.get() and _recording() else None
    for name, obj in given.items():
        if not isinstance(obj, Replayed):
            bound.arguments[name] = Live(obj.obj if isinstance(obj, Live) else obj, name, recorder)
    token = _RUNNING.set(True)
    try:
        return fn(*bound.args, **bound.kwargs)
    finally:
        _RUNNING.reset(token)
        if recorder is not None:
            _emit(recorder.record())


@contextlib.contextmanager
def capture_records():
    """Record every check run inside (whatever COURSEPKG_CHECK_MODE says); yields the list of records."""
    records = []
    token = _CAPTURE.set(records)
    try:
        yield records
    finally:
        _CAPTURE.reset(token)


def _emit(record):
    captured = _CAPTURE.get()
    if captured is not None:
        captured.append(record)
        return
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(
            f"coursepkg: {MODE_ENV}=record outside IPython: the record of {record['check']} is dropped.",
            file=sys.stderr,
        )
        return
    display({RECORD_MIME: record}, raw=True)


# ---------------------------------------------------------------- recording


class Recorder:
    """The uses of the student's objects during one check, in order, as plain data."""

    def __init__(self, check):
        self.check = check
        self.entries = []
        self.encoder = plain.Encoder(MAX_VALUE_CHARS)

    def record(self):
        return {"version": RECORD_VERSION, "check": self.check, "calls": self.entries}

    def add_value(self, entry, value, not_plain):
        """Put `value` in `entry` (or the failure `not_plain(description)`); returns the value as decoded."""
        decoded = None
        try:
            entry["value"] = self.encoder(value)
            decoded = plain.Decoder()(entry["value"])  # exactly what the judge will see
        except plain.TooLarge:
            entry["failure"] = not_plain(None)
        except plain.NotPlain as exc:
            entry["failure"] = not_plain(str(exc))
        except plain.Malformed as exc:  # e.g. a GMM built around its validation
            entry["failure"] = not_plain(f"a value the grader cannot rebuild ({exc})")
        if "failure" in entry:
            entry.pop("value", None)
        self.entries.append(entry)
        return decoded


def _capped(text):
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + f"... ({len(text) - MAX_TEXT:,} more characters cut)"


def _unwrap(obj):
    return (obj.obj, obj.recorder, obj.name) if isinstance(obj, Live) else (obj, None, None)


def _outcome(ex, entry, value):
    """What the check sees of one recorded use: the value, or the failure it recorded."""
    if "failure" in entry:
        ex.fail(entry["failure"], channel_failure_key(entry["failure"]))
    if "raised" in entry:
        raise CheckFailed(entry["raised"], mistake=mistake_id(ex.name, "raised"))
    return value


# ---------------------------------------------------------------- the uses


def live_call(func, args, kwargs, case):
    """Call the student's function: ("value", what it returned) or ("failure", the feedback text).

    A CheckFailed raised by the student's own code goes through unchanged.
    """
    if not callable(func):
        return (
            "failure",
            f"expected a function, got {type(func).__name__}. Pass the function itself, without calling it.",
        )
    where = f" on {case}" if case else ""
    try:
        with np.errstate(all="ignore"):
            return "value", func(*args, **kwargs)
    except NotImplementedError:
        return "failure", "not implemented yet: replace `raise NotImplementedError(...)` with your code."
    except CheckFailed:
        raise
    except Exception as exc:  # the student's bug, reported as such
        where_raised = student_line(exc.__traceback__)
        line = ""
        if where_raised is not None:
            lineno, source, library = where_raised
            line = f"\n  at line {lineno} of your code: {source or '(source not available)'}"
            if library:
                line += f"\n  (raised inside {library}, called from that line)"
        said = f": {exc}" if str(exc) else ""
        return "failure", f"your function raised {type(exc).__name__}{said}{where}.{line}"


def call(ex, func, args, kwargs, case):
    """Exercise.call: the student's function on copies of the positional array arguments.

    Keyword arguments are passed as they are: a check may pass one array by keyword to several calls on
    purpose, to see a change made in place in what later calls return (lesson 01's update_centers).
    """
    args = [a.copy() if isinstance(a, np.ndarray) else a for a in args]  # the student may modify its inputs
    inputs = fingerprint(args, kwargs, case)
    if isinstance(func, Replayed):
        entry = func.replay.take(ex, "call", func.name)
        if entry["inputs"] != inputs:
            raise func.replay.mismatch(
                ex,
                f"the inputs of use {func.replay.position} differ (in your notebook: {_inputs_text(entry['inputs'])}; "
                f"in the grader: {_inputs_text(inputs)})",
            )
        return _outcome(ex, entry, entry.get("value"))
    obj, recorder, who = _unwrap(func)
    if recorder is None:
        kind, result = live_call(obj, args, kwargs, case)
        if kind == "failure":
            ex.fail(result, channel_failure_key(result))
        return result
    entry = {"op": "call", "who": who, "inputs": inputs}
    try:
        kind, result = live_call(obj, args, kwargs, case)
    except CheckFailed as exc:
        entry["raised"] = _capped(str(exc))
        recorder.entries.append(entry)
        raise CheckFailed(entry["raised"], mistake=mistake_id(ex.name, "raised")) from None
    if kind == "failure":
        entry["failure"] = _capped(result)
        recorder.entries.append(entry)
        return _outcome(ex, entry, None)
    where = f" on {case}" if case else ""
    value = recorder.add_value(entry, result, lambda what: _not_plain("your function returned", what, where))
    return _outcome(ex, entry, value)


def _not_plain(lead, what, where):
    if what is None:
        return (
            f"{lead} too much data{where}: the grader reads at most {MAX_VALUE_CHARS // 2**20} MB per check. "
            "Return only what the exercise asks for."
        )
    return (
        f"{lead} {what}{where}; the grader can read numbers, strings, None, numpy arrays of numbers or "
        "booleans, GMMs, and tuples, lists or dicts of them."
    )


def refers(ex, func, forbidden):
    """forbid's look at the student's code: the name of the reference in `forbidden` it uses, or None."""
    if isinstance(func, Replayed):
        found = func.replay.take(ex, "refers", func.name)["found"]
        if found is not None and found not in [reference_name(ref) for ref in forbidden]:
            raise func.replay.mismatch(ex, f"the record names {found!r}, which this exercise does not forbid")
        return found
    obj, recorder, who = _unwrap(func)
    found = uses_reference(obj, forbidden)
    if recorder is not None:
        recorder.entries.append({"op": "refers", "who": who, "found": found})
    return found


def _bool_use(op, test):
    def use(ex, obj):
        if isinstance(obj, Replayed):
            return obj.replay.take(ex, op, obj.name)["result"]
        obj, recorder, who = _unwrap(obj)
        result = bool(test(obj))
        if recorder is not None:
            recorder.entries.append({"op": op, "who": who, "result": result})
        return result

    return use


is_callable = _bool_use("callable", callable)
is_callable.__doc__ = "Exercise.is_callable: whether the student's object is callable."
given = _bool_use("given", lambda obj: obj is not None)
given.__doc__ = "Exercise.given: whether the student's object is not None (an optional argument was passed)."


def read(ex, obj):
    """Exercise.read: the student's object as a value (a numeric answer given as a number)."""
    if isinstance(obj, Replayed):
        entry = obj.replay.take(ex, "read", obj.name)
        return _outcome(ex, entry, entry.get("value"))
    obj, recorder, who = _unwrap(obj)
    if recorder is None:
        return obj
    entry = {"op": "read", "who": who}
    value = recorder.add_value(entry, obj, lambda what: _not_plain("your answer is", what, ""))
    return _outcome(ex, entry, value)


# ---------------------------------------------------------------- the fingerprint of a call's inputs


def fingerprint(args, kwargs, case):
    """Shapes and dtypes of the arrays, the scalars themselves, the case: what the judge recomputes and compares."""
    return {
        "args": [_describe(a) for a in args],
        "kwargs": {k: _describe(v) for k, v in sorted(kwargs.items())},
        "case": None if case is None else str(case),
    }


def _describe(x, depth=0):
    if isinstance(x, np.ndarray):
        return f"{x.dtype}{list(x.shape)}"
    if x is None or type(x) in (bool, int, float, complex, str) or isinstance(x, np.generic):
        text = repr(x)
        return text if len(text) <= 100 else text[:100] + "..."
    if isinstance(x, GMM):
        return f"GMM(k={x.k}, d={x.d})"
    if isinstance(x, (tuple, list)) and depth < 3:
        inner = ", ".join(_describe(v, depth + 1) for v in x[:20]) + (", ..." if len(x) > 20 else "")
        return f"({inner})" if isinstance(x, tuple) else f"[{inner}]"
    return type(x).__name__


def _inputs_text(inputs):
    text = ", ".join([*inputs["args"], *(f"{k}={v}" for k, v in inputs["kwargs"].items())])
    text = f"({text}) on {inputs['case']}" if inputs["case"] else f"({text})"
    return text if len(text) <= 300 else text[:300] + "..."


# ---------------------------------------------------------------- the forbid inspection


def reference_name(ref):
    """How feedback names a forbidden reference: module.name (scipy's private modules left out)."""
    name = getattr(ref, "__name__", type(ref).__name__.removesuffix("_gen"))
    module = getattr(ref, "__module__", "") or ""
    return f"{module}.{name}".removeprefix("scipy.stats._multivariate.").removeprefix("scipy.stats._continuous_distns.")


def uses_reference(func, forbidden):
    """Name of a function in `forbidden` that `func` refers to (directly or as module.attr), else None.

    A student's solution must not call the very coursepkg function the exercise asks them to
    write; this looks at the global names the function's code uses.
    """
    code = getattr(func, "__code__", None)
    if code is None:
        return None
    names = set(code.co_names)
    for const in code.co_consts:  # names used in nested functions and comprehensions
        if isinstance(const, types.CodeType):
            names |= set(const.co_names)
    glob = getattr(func, "__globals__", {})
    objects = [glob[n] for n in names if n in glob]
    # `from coursepkg.kmeans import f` or `import coursepkg.kmeans` inside the function: the module's dotted
    # name is in co_names; follow the module, which is loaded already
    objects += [sys.modules[n] for n in sorted(names) if "." in n and n in sys.modules]
    for cell in getattr(func, "__closure__", None) or ():  # names imported inside an enclosing function
        try:
            objects.append(cell.cell_contents)
        except ValueError:  # an empty cell
            pass
    with warnings.catch_warnings():  # numpy warns about some deprecated attributes (np.object)
        warnings.simplefilter("ignore")
        for _ in range(2):  # follow module.attribute chains such as coursepkg.kmeans.assign
            modules = [o for o in objects if isinstance(o, types.ModuleType)]
            objects += [getattr(o, n) for o in modules for n in names if hasattr(o, n)]
    for ref in forbidden:  # in the check's order, so the same code is always named by the same reference
        if any(obj is ref for obj in objects):
            return reference_name(ref)
    return None


# ---------------------------------------------------------------- replay (in the grader)


class Replay:
    """The outcomes of one record, handed out in order to the check the judge runs."""

    def __init__(self, entries):
        self.entries = entries
        self.position = 0

    def stub(self, name):
        return Replayed(name, self)

    @property
    def leftover(self):
        return len(self.entries) - self.position

    def mismatch(self, ex, detail):
        return RecordMismatch(
            f"{FAIL_MARK} {ex.name}: the grader could not replay this check from your notebook's record: "
            f"{detail}. {_ADVICE}",
            mistake=mistake_id(ex.name, "record_mismatch"),
        )

    def take(self, ex, op, who):
        if self.position >= len(self.entries):
            raise self.mismatch(
                ex,
                f"the record ends after {len(self.entries)} uses of your code and the check needs more, so the "
                "check did not finish in your notebook (an error, a time-out or an interrupt stopped it)",
            )
        entry = self.entries[self.position]
        self.position += 1
        if entry["op"] != op or entry["who"] != who:
            got = _OPS[entry["op"]].format(who=entry["who"])
            want = _OPS[op].format(who=who)
            raise self.mismatch(ex, f"use {self.position} was {got} in your notebook, where the grader expects {want}")
        return entry


def read_record(raw):
    """The record of one check (a dict, or its JSON text), validated: (check name, entries with decoded values).

    Raises Malformed with a reason when it is anything but what a kernel in record mode writes.
    """
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = json.dumps(raw, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            raise Malformed(f"it is not JSON data ({type(exc).__name__})") from None
    if len(text) > MAX_RECORD_CHARS:
        raise Malformed(f"it is larger than {MAX_RECORD_CHARS // 2**20} MB")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise Malformed(f"it is not valid JSON ({type(exc).__name__})") from None
    if type(data) is not dict or set(data) != {"version", "check", "calls"}:
        raise Malformed("it is not an object with the fields version, check and calls")
    if data["version"] != RECORD_VERSION or type(data["version"]) is not int:
        raise Malformed(f"its version is {plain.short(data['version'])}, not {RECORD_VERSION}")
    if type(data["check"]) is not str or len(data["check"]) > 200:
        raise Malformed("its check name is not a short string")
    calls = data["calls"]
    if type(calls) is not list or len(calls) > MAX_ENTRIES:
        raise Malformed(f"its calls are not a list of at most {MAX_ENTRIES:,} entries")
    decoder = plain.Decoder()
    return data["check"], [_read_entry(i, entry, decoder) for i, entry in enumerate(calls, 1)]


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _read_entry(i, entry, decoder):
    if type(entry) is not dict or entry.get("op") not in _OPS or type(entry.get("who")) is not str:
        raise Malformed(f"entry {i} is not an object with a known op and a who")
    if len(entry["who"]) > 100:
        raise Malformed(f"entry {i} names an argument that is too long")
    op = entry["op"]
    fields = set(entry) - {"op", "who"}
    if op in ("call", "read"):
        outcome = fields - {"inputs"}
        wanted_inputs = op == "call"
        if len(outcome) != 1 or not outcome <= {"value", "failure", "raised"} or ("inputs" in fields) != wanted_inputs:
            raise Malformed(f"entry {i} ({op}) does not have the fields of a {op}")
        if op == "read" and "raised" in outcome:
            raise Malformed(f"entry {i} (read) has a raised exception")
        if wanted_inputs and not _is_fingerprint(entry["inputs"]):
            raise Malformed(f"entry {i} (call) has no valid fingerprint of its inputs")
        (key,) = outcome
        if key != "value" and (type(entry[key]) is not str or len(entry[key]) > MAX_TEXT + 100):
            raise Malformed(f"entry {i} ({op}) has a {key} that is not a string of at most {MAX_TEXT:,} characters")
        read = dict(entry)
        if key == "value":
            try:
                read["value"] = decoder(entry["value"])
            except (Malformed, ValueError, TypeError, OverflowError) as exc:
                raise Malformed(f"entry {i} ({op}) holds a value that cannot be read: {exc}") from None
        return read
    if op == "refers":
        if fields != {"found"} or (entry["found"] is not None and type(entry["found"]) is not str):
            raise Malformed(f"entry {i} (refers) does not have a found name or null")
        return dict(entry)
    if fields != {"result"} or type(entry["result"]) is not bool:
        raise Malformed(f"entry {i} ({op}) does not have a true/false result")
    return dict(entry)


def _is_fingerprint(inputs):
    return (
        type(inputs) is dict
        and set(inputs) == {"args", "kwargs", "case"}
        and type(inputs["args"]) is list
        and all(type(a) is str for a in inputs["args"])
        and type(inputs["kwargs"]) is dict
        and all(type(v) is str for v in inputs["kwargs"].values())
        and (inputs["case"] is None or type(inputs["case"]) is str)
    )
