"""Input checks shared by the numerical modules.

Every check raises a ``ValueError`` that names the argument, says what was
expected, what came, and (where there is one) what to do about it.
"""

import numbers

import numpy as np


def _describe(a):
    a = np.asarray(a)
    return f"a {a.ndim}-D array of shape {a.shape}"


def as_real_array(value, name):
    """`value` as a numpy array of real numbers (any real dtype); complex numbers are refused, not cast.

    numpy would cast a complex array to float with only a warning, silently dropping the imaginary part.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of numbers; could not convert it ({exc}).") from None
    if np.iscomplexobj(arr):
        raise ValueError(
            f"{name} must hold real numbers; got complex values (dtype {arr.dtype}). "
            f"Pass {name}.real if the imaginary parts are zero, or split real and imaginary parts into features."
        )
    return arr


def check_data(X, name="X"):
    """Return X as a finite float array of shape (n, d) or raise ValueError."""
    X = as_real_array(X, name)
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of numbers; could not convert it ({exc}).") from None
    if X.ndim == 1:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features); got {_describe(X)}. "
            f"For a single feature use {name}.reshape(-1, 1); for a single point use {name}.reshape(1, -1)."
        )
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n_samples, n_features); got {_describe(X)}.")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must hold at least one point with at least one feature; got shape {X.shape}.")
    if not np.all(np.isfinite(X)):
        bad = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(
            f"{name} must contain only finite numbers; got {X[tuple(bad)]} at row {bad[0]}, column {bad[1]}. "
            "Remove or impute missing values first."
        )
    return X


def check_dim(X, d, name="X"):
    """Raise if X (n, d') does not have d columns, the model's dimension."""
    if X.shape[1] != d:
        raise ValueError(
            f"{name} has {X.shape[1]} features per point but the model has dimension d={d}; "
            f"{name} must have shape (n_samples, {d})."
        )


def check_n_components(k, n=None, name="k"):
    """Return k as an int with 1 <= k (<= n when n is given)."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise ValueError(f"{name} must be a positive integer (the number of components); got {k!r}.")
    k = int(k)
    if k < 1:
        raise ValueError(f"{name} must be at least 1; got {k}.")
    if n is not None and k > n:
        raise ValueError(f"{name}={k} is larger than the number of points n={n}; use at most {n} components.")
    return k


def check_nonnegative(value, name):
    """Return value as a float >= 0 or raise."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a non-negative number; got {value!r}.") from None
    if not np.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a non-negative finite number; got {value!r}.")
    return v


def check_positive(value, name, why_not_zero):
    """Return value as a float > 0; `why_not_zero` says in the message what 0 would mean."""
    v = check_nonnegative(value, name)
    if v == 0:
        raise ValueError(f"{name} must be positive ({why_not_zero}); got {value!r}.")
    return v


def check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)


def check_rng(rng, name="rng"):
    """Accept None (fresh entropy), an int seed or a numpy Generator; return a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"{name} must be a non-negative int seed; got {rng}.")
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.RandomState):
        raise ValueError(
            f"{name} must be None, an int seed or a numpy.random.Generator; got a legacy numpy.random.RandomState. "
            f"Pass {name}=np.random.default_rng(seed) (or the seed itself) instead."
        )
    raise ValueError(f"{name} must be None, an int seed or a numpy.random.Generator; got {type(rng).__name__}.")


def check_resp(resp, n, name="resp"):
    """Return resp as a float array (n, k) with entries in [0, 1] and rows summing to 1."""
    resp = np.asarray(resp, dtype=float)
    if resp.ndim != 2 or resp.shape[0] != n:
        raise ValueError(f"{name} must have shape (n_samples, k) = ({n}, k); got {_describe(resp)}.")
    if not np.all(np.isfinite(resp)):
        raise ValueError(f"{name} must contain only finite numbers.")
    if resp.min() < -1e-12 or resp.max() > 1 + 1e-12:
        raise ValueError(f"{name} must have entries in [0, 1]; got values from {resp.min():.3g} to {resp.max():.3g}.")
    sums = resp.sum(axis=1)
    worst = np.argmax(np.abs(sums - 1))
    if abs(sums[worst] - 1) > 1e-6:
        raise ValueError(
            f"each row of {name} must sum to 1 (a distribution over components); "
            f"row {worst} sums to {sums[worst]:.6g}."
        )
    return resp
