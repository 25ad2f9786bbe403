"""Feedback helpers that several lessons use: refusing the reference, reading the student's value, one diagnosis.

- `forbid` (with `uses_reference`): fail if the student's function calls the coursepkg function it should write.
- `nonfinite_of_shape`, `finite_array`, `finite_number`: a NaN or inf in the student's value, explained in
  the exercise's own words before `Exercise.array` / `Exercise.number` would reject it.
- `labels_array`: an integer label vector, with hints for a distance table, argmin over the wrong axis, floats.
- `answer_value`, `judge_answer`: a numeric answer (a number, or a function of no arguments returning it),
  compared with the value asked for and with the values of typical mistakes.
- `normalised_over_points`: a table of per-point distributions normalised along axis=0 instead of axis=1.
"""

import numpy as np

from . import channel
from .channel import uses_reference  # noqa: F401 (part of this module's interface)


def forbid(ex, func, forbidden):
    """Fail if the student's function calls one of the reference functions it should re-implement."""
    name = channel.refers(ex, func, forbidden)
    if name:
        ex.fail(
            f"your function calls {name}, the reference this exercise asks you to write yourself. "
            "Use numpy (and the formula in the task) instead.",
            "uses_reference",
        )


def nonfinite_of_shape(value, *shapes):
    """The student's value as a float array if it has one of `shapes` and a NaN or infinite entry; else None.

    A check calls it before `ex.array`, to explain a NaN in its own words (0/0, log 0, ...) rather than
    with ex.array's general message; a value of another shape is left to ex.array.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr if arr.shape in shapes and not np.all(np.isfinite(arr)) else None


def finite_array(ex, value, shape, what, nan_hint):
    """ex.array, but a NaN/inf result of the right shape gets the exercise's own explanation."""
    if nonfinite_of_shape(value, tuple(shape)) is not None:
        ex.fail(f"{what} contains NaN or infinite values. {nan_hint}", "nan")
    return ex.array(value, shape, what)


def finite_number(ex, value, what, message, bad=np.isnan):
    """ex.number, but a value for which `bad` holds (NaN; or -inf, with bad=np.isneginf) fails with `message`."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = None
    if x is not None and bad(x):
        ex.fail(message, "not_finite")
    return ex.number(value, what)


def labels_array(ex, value, n, what="your labels"):
    """An integer label array of shape (n,); counts one check."""
    arr = np.asarray(value)
    if arr.shape != (n,):
        hint = ""
        if arr.ndim == 2 and n in arr.shape:
            hint = (
                " It looks like a table of distances: return the index of the nearest centre, np.argmin(..., axis=1)."
            )
        elif arr.ndim == 1:
            hint = " Take the argmin over centres (axis=1), not over points (axis=0)."
        ex.fail(f"{what} came back with shape {arr.shape}; expected ({n},), one label per point.{hint}", "wrong_shape")
    integer = np.issubdtype(arr.dtype, np.integer)
    if not integer and np.issubdtype(arr.dtype, np.number) and np.all(np.isfinite(arr)):
        if np.all(arr == np.round(arr)):
            ex.fail(
                f"{what} hold whole numbers but as {arr.dtype}: labels index the centres (centers[labels]), "
                "which needs an integer array. np.argmin already returns one; if you filled np.zeros(n), "
                "use np.zeros(n, dtype=int).",
                "float_labels",
            )
    ex.expect(integer, f"{what} should be integer cluster indices; got values such as {arr[:3]}.", "not_integer")
    return arr.astype(int)


def answer_value(ex, answer, what):
    """The student's numeric answer: a function of no arguments returning it (or the number itself).

    Counts one check (an answer was given); `ex.number` then fails unless it is a finite number.
    """
    value = ex.answer(answer)
    ex.expect(value is not None, f"{what} returned None; did you forget `return`?", "returned_none")
    return ex.number(value, what)


def judge_answer(ex, value, want, *, atol, passed, mistakes, mistake_atol, hint):
    """Pass a numeric answer within atol of want; else fail naming the mistake it matches, or with `hint`.

    mistakes : list of (value, what went wrong[, key]), matched within mistake_atol (see `Exercise.name_mistake`)
    hint : completes "your answer <value> is not ..." when no mistake matches
    """
    if ex.agrees(value, want, rtol=0, atol=atol):
        ex.passed(passed)
        return
    ex.name_mistake(value, mistakes, f"your answer {value:.4g}", rtol=0, atol=mistake_atol)
    ex.fail(f"your answer {value:.4g} is not {hint}")


def normalised_over_points(table, atol=1e-8):
    """Whether the rows of a (n, k) table of per-point distributions miss 1 but its columns sum to 1.

    That is the table normalised over points (axis=0) instead of over centres or components (axis=1);
    the callers word the diagnosis for their exercise.
    """
    return not np.allclose(table.sum(axis=1), 1.0, atol=atol) and np.allclose(table.sum(axis=0), 1.0, atol=atol)
