"""The machinery of every exercise check: `Exercise`, `CheckFailed`, `cases_for`.

A check calls the student's function on several cases (`Exercise.call`, through the channel),
compares with the reference, and on the first mismatch raises `CheckFailed` (an AssertionError,
so nbval and the grader see a failure, defined in `failure`) whose message names the likely mistake.
In Jupyter the failure shows as that message alone, not as a traceback through coursepkg; an
exception raised by the student's own code is reported as theirs, pointing at their line (the
deepest line of their code, also when numpy, scipy or the stdlib raised it inside a call made on
that line).
"""

import numpy as np

from . import channel
from .failure import FAIL_MARK, PASS_MARK, CheckFailed
from .mistakes import mistake_id


class Exercise:
    """One exercise check in progress; every comparison that passes counts itself (`holds`).

    >>> ex = Exercise("e_step")
    >>> out = ex.call(student_e_step, X, gmm)                    # doctest: +SKIP
    >>> got = ex.array(out, (n, k), "your responsibilities")       # doctest: +SKIP
    >>> if not ex.agrees(got, want, rtol=1e-6, atol=1e-9):         # doctest: +SKIP
    ...     ex.name_mistake(got, mistakes, "on this case", rtol=1e-6, atol=1e-9)
    ...     ex.close(got, want, "your responsibilities differ")
    >>> ex.passed()                                                # doctest: +SKIP
    """

    def __init__(self, name):
        self.name = name
        self.n_checks = 0

    def fail(self, message, mistake=None):
        """Raise CheckFailed with `message`; `mistake` is its key (`wrong_axis`), the id `<name>.<key>`.

        Without a key the id is the generic `<name>.wrong_value`.
        """
        raise CheckFailed(f"{FAIL_MARK} {self.name}: {message}", mistake=mistake_id(self.name, mistake))

    def holds(self, condition):
        """Whether `condition` holds; a condition that holds counts as one passed check.

        The one place a check is counted: `agrees`, `expect`, `close` and `array` all come here.
        """
        ok = bool(condition)
        if ok:
            self.n_checks += 1
        return ok

    def agrees(self, got, want, *, rtol, atol):
        """Whether got ~= want (np.allclose: |got - want| <= atol + rtol |want| everywhere); counts it if so.

        It does not fail: the caller names the mistake when it returns False.
        """
        return self.holds(np.allclose(got, want, rtol=rtol, atol=atol))

    def expect(self, condition, message, mistake=None):
        """Count a check; fail with `message` (and the key `mistake`) unless `condition` holds."""
        if not self.holds(condition):
            self.fail(message, mistake)

    # ---- the student's objects: every use goes through the channel (see _core/__init__.py)

    def call(self, func, *args, case=None, **kwargs):
        """Call the student's function on copies of args; report its exceptions as the student's own."""
        return channel.call(self, func, args, kwargs, case)

    def is_callable(self, obj):
        """Whether the student's object is callable (a numeric answer may be a function or a number)."""
        return channel.is_callable(self, obj)

    def read(self, obj):
        """The student's object itself as a value (a numeric answer given as a number)."""
        return channel.read(self, obj)

    def answer(self, obj, case=None):
        """The student's answer: what `obj` returns when called with no arguments, or `obj` itself as a value."""
        return self.call(obj, case=case) if self.is_callable(obj) else self.read(obj)

    def given(self, obj):
        """Whether the student passed an object for an optional argument (it is not None)."""
        return channel.given(self, obj)

    # ---- reading what the student returned

    def array(self, value, shape, what="your result"):
        """Check `value` is a finite numeric array of `shape`; explain transposes and NaN."""
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            self.fail(f"{what} should be a numeric array of shape {shape}; got {type(value).__name__}.", "not_an_array")
        if arr.shape != tuple(shape):
            hint, key = "", "wrong_shape"
            if arr.shape == tuple(shape)[::-1] and len(shape) == 2:
                hint = f" It looks transposed: return shape {tuple(shape)} (one row per point), not {arr.shape}."
                key = "transposed"
            elif arr.size == np.prod(shape):
                hint = " The number of entries is right: check how you reshape or stack."
            self.fail(f"{what} came back with shape {arr.shape}; expected {tuple(shape)}.{hint}", key)
        self.expect(
            np.all(np.isfinite(arr)),
            f"{what} contains {np.count_nonzero(np.isnan(arr))} NaN and "
            f"{np.count_nonzero(np.isinf(arr))} infinite values. "
            "A NaN usually comes from 0/0 or log(0): work in log space (log-sum-exp) and check divisions.",
            "nan",
        )
        return arr

    def close(self, got, want, message, rtol=1e-7, atol=1e-9, mistake=None):
        """Count a check; fail with `message` (plus the largest error) unless got ~= want and of its shape."""
        got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        if not self.holds(got.shape == want.shape and np.allclose(got, want, rtol=rtol, atol=atol)):
            err = np.max(np.abs(got - want)) if got.shape == want.shape else float("nan")
            self.fail(f"{message} (largest difference from the reference: {err:.3g})", mistake)

    def name_mistake(self, got, mistakes, lead, rtol, atol):
        """Fail with the message of the first known mistake that reproduces `got`.

        mistakes : list of (value, what went wrong) or (value, what went wrong, key), the result each typical
                   mistake gives; the key names the mistake (the id `<name>.<key>`, else `<name>.wrong_value`)
        lead : the start of the failure message; ": <what went wrong>." is appended
        A mistake matches when |got - value| <= atol + rtol |value| everywhere (as np.isclose);
        values that are not finite or not of got's shape never match.
        """
        got = np.asarray(got, dtype=float)
        for value, message, *key in mistakes:
            value = np.asarray(value, dtype=float)
            if value.shape == got.shape and np.all(np.isfinite(value)) and np.allclose(got, value, rtol, atol):
                self.fail(f"{lead}: {message}.", *key)

    def number(self, value, what="your answer"):
        """A finite float from the student's value, or a clear failure."""
        try:
            x = float(value)
        except (TypeError, ValueError):
            self.fail(f"{what} should be a number; got {value!r}.", "not_a_number")
        if not np.isfinite(x):
            self.fail(f"{what} is {x}; it should be a finite number.", "not_finite")
        return x

    def passed(self, detail=""):
        extra = f" ({detail})" if detail else ""
        checks = "1 check" if self.n_checks == 1 else f"{self.n_checks} checks"
        print(f"{PASS_MARK} {self.name}: {checks} passed{extra}.")
        return True


def cases_for(visible, hidden_extra, hidden):
    """The cases a check runs: the visible ones, then, with hidden=True, the teacher-only extras after them.

    Every check with hidden cases builds its two lists of (inputs..., description) and calls this, so
    hidden=True means the same for all: the student's cases first, in their order, then the teacher's.
    """
    return [*visible, *(hidden_extra if hidden else ())]
