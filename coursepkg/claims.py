"""Claims that fail when false: what a lesson's check cells use instead of a bare print.

nbval runs the lessons without comparing outputs, so a printed number checks nothing. Each
function here prints the claim with its value and raises ``AssertionError`` with both numbers
when the claim is false::

    from coursepkg import claims
    claims.close("log-likelihood, ours against scipy", ours, theirs, atol=1e-9)
    claims.at_most("largest increase of J", np.diff(history).max(), 0.0)

The tolerance is part of the claim: say what is meant (``atol=1e-9`` for "equal up to rounding",
``rtol=0.05`` for "about"). Every function returns the value it checked, so a cell can go on with it.
"""

import numpy as np

__all__ = ["close", "equal", "at_most", "at_least", "between", "holds", "table"]


def _as_numbers(what, value):
    array = np.asarray(value, dtype=float)
    if array.size == 0:
        raise ValueError(f"{what}: the claim is about an empty array, which proves nothing.")
    if not np.all(np.isfinite(array)):
        raise AssertionError(f"{what}: not a finite number: {_show(value)}")
    return array


def _show(value):
    array = np.asarray(value)
    if array.ndim == 0:
        scalar = array.item()
        return f"{scalar:.6g}" if isinstance(scalar, float) else repr(scalar)
    if array.size <= 6:
        return np.array2string(array, precision=6, separator=", ")
    return f"array of shape {array.shape}, from {array.min():.6g} to {array.max():.6g}"


def _report(what, text):
    print(f"✓ {what}: {text}")


def close(what, value, expected, *, rtol=0.0, atol=0.0):
    """Claim ``|value - expected| <= atol + rtol * |expected|`` elementwise.

    Parameters
    ----------
    what : str, the claim in words, printed with the result
    value, expected : float or array_like, broadcastable to each other
    rtol, atol : float >= 0, not both 0 (a tolerance says what "equal" means here)
    """
    if rtol < 0 or atol < 0 or (rtol == 0 and atol == 0):
        raise ValueError(f"{what}: give a tolerance, rtol >= 0 and atol >= 0 not both 0; got rtol={rtol}, atol={atol}.")
    got = _as_numbers(what, value)
    want = _as_numbers(what, expected)
    error = np.abs(got - want)
    allowed = atol + rtol * np.abs(want)
    worst = float(np.max(error - allowed))
    parts = (f"{atol:g}" if atol else "", f"{rtol:g}·|expected|" if rtol else "")
    tolerance = " + ".join(part for part in parts if part)
    if worst > 0:
        raise AssertionError(
            f"{what}: got {_show(value)}, expected {_show(expected)} within {tolerance}; "
            f"largest difference {float(error.max()):.3g}"
        )
    _report(what, f"{_show(value)} (expected {_show(expected)} within {tolerance}; "
                  f"largest difference {float(error.max()):.2g})")
    return value


def table(what, values, expected, *, rows, columns, rtol=0.0, atol=0.0, decimals=3):
    """Claim `values` close to `expected` (as `close`), then print them as a table: every number shown is checked.

    Parameters
    ----------
    what : str, the claim in words, printed first
    values, expected : array_like of shape (len(rows), len(columns))
    rows, columns : lists of str, the labels
    rtol, atol : float >= 0, not both 0, as in `close`
    decimals : int, default 3, digits shown after the point
    """
    values = np.asarray(values, dtype=float)
    if values.shape != (len(rows), len(columns)):
        raise ValueError(f"{what}: values of shape {values.shape} for {len(rows)} rows and {len(columns)} columns.")
    close(what, values, expected, rtol=rtol, atol=atol)
    width = max(len(label) for label in rows)
    cells = [[f"{v:.{decimals}f}" for v in row] for row in values]
    col = [max(len(c), *(len(r[j]) for r in cells)) + 2 for j, c in enumerate(columns)]
    print(" " * width + "".join(c.rjust(w) for c, w in zip(columns, col, strict=True)))
    for label, row in zip(rows, cells, strict=True):
        print(label.ljust(width) + "".join(c.rjust(w) for c, w in zip(row, col, strict=True)))
    return values


def equal(what, value, expected):
    """Claim exact equality (counts, labels, strings, booleans); arrays compare elementwise."""
    same = np.array_equal(np.asarray(value), np.asarray(expected)) if not isinstance(value, str) else value == expected
    if not same:
        raise AssertionError(f"{what}: got {_show(value)}, expected {_show(expected)}")
    _report(what, _show(value))
    return value


def at_most(what, value, bound):
    """Claim ``value <= bound`` (for an array: its largest entry)."""
    got = _as_numbers(what, value)
    if float(got.max()) > float(bound):
        raise AssertionError(f"{what}: largest value {float(got.max()):.6g} is above the bound {float(bound):.6g}")
    _report(what, f"{_show(value)} (at most {float(bound):.6g})")
    return value


def at_least(what, value, bound):
    """Claim ``value >= bound`` (for an array: its smallest entry)."""
    got = _as_numbers(what, value)
    if float(got.min()) < float(bound):
        raise AssertionError(f"{what}: smallest value {float(got.min()):.6g} is below the bound {float(bound):.6g}")
    _report(what, f"{_show(value)} (at least {float(bound):.6g})")
    return value


def between(what, value, low, high):
    """Claim ``low <= value <= high`` (for an array: every entry)."""
    if not low <= high:
        raise ValueError(f"{what}: low must be at most high; got low={low}, high={high}.")
    got = _as_numbers(what, value)
    if float(got.min()) < float(low) or float(got.max()) > float(high):
        raise AssertionError(
            f"{what}: got {_show(value)}, outside [{float(low):.6g}, {float(high):.6g}]"
        )
    _report(what, f"{_show(value)} (in [{float(low):.6g}, {float(high):.6g}])")
    return value


def holds(what, condition, detail=""):
    """Claim that a condition is true; `detail` (the numbers behind it) is printed either way."""
    if not isinstance(condition, (bool, np.bool_)):
        raise ValueError(f"{what}: condition must be a bool; got {type(condition).__name__}.")
    suffix = f" ({detail})" if detail else ""
    if not condition:
        raise AssertionError(f"{what}: false{suffix}")
    _report(what, f"true{suffix}")
    return condition
