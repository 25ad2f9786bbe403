"""Checks for the exercises of lesson 01 (soft clustering).

Each check runs the student's function on several cases, compares it with an
independent numpy computation (or with `coursepkg.kmeans`), and when it
disagrees, computes what the usual wrong versions would have returned to name
the mistake.
"""

import types
import warnings

import numpy as np

from ._core import Exercise

# ---------------------------------------------------------------- shared helpers (used by lessons 01-04)


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
    for cell in getattr(func, "__closure__", None) or ():  # names imported inside an enclosing function
        try:
            objects.append(cell.cell_contents)
        except ValueError:  # an empty cell
            pass
    for _ in range(2):  # follow module.attribute chains such as coursepkg.kmeans.assign
        objects += [getattr(o, n) for o in objects if isinstance(o, types.ModuleType) for n in names if hasattr(o, n)]
    for obj in objects:
        for ref in forbidden:
            if obj is ref:
                name = getattr(ref, "__name__", type(ref).__name__.removesuffix("_gen"))
                module = getattr(ref, "__module__", "") or ""
                return f"{module}.{name}".removeprefix("scipy.stats._multivariate.").removeprefix(
                    "scipy.stats._continuous_distns."
                )
    return None


def forbid(ex, func, forbidden):
    """Fail if the student's function calls one of the reference functions it should re-implement."""
    name = uses_reference(func, forbidden)
    if name:
        ex.fail(
            f"your function calls {name}, the reference this exercise asks you to write yourself. "
            "Use numpy (and the formula in the task) instead."
        )


def finite_array(ex, value, shape, what, nan_hint):
    """ex.array, but a NaN/inf result of the right shape gets the exercise's own explanation."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is not None and arr.shape == tuple(shape) and not np.all(np.isfinite(arr)):
        ex.fail(f"{what} contains NaN or infinite values. {nan_hint}")
    return ex.array(value, shape, what)


def labels_array(ex, value, n, what="your labels"):
    """An integer label array of shape (n,)."""
    arr = np.asarray(value)
    if arr.shape != (n,):
        hint = ""
        if arr.ndim == 2 and n in arr.shape:
            hint = (
                " It looks like a table of distances: return the index of the nearest centre, np.argmin(..., axis=1)."
            )
        elif arr.ndim == 1:
            hint = " Take the argmin over centres (axis=1), not over points (axis=0)."
        ex.fail(f"{what} came back with shape {arr.shape}; expected ({n},), one label per point.{hint}")
    if not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.number) and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            ex.fail(
                f"{what} hold whole numbers but as {arr.dtype}: labels index the centres (centers[labels]), "
                "which needs an integer array. np.argmin already returns one; if you filled np.zeros(n), "
                "use np.zeros(n, dtype=int)."
            )
        ex.fail(f"{what} should be integer cluster indices; got values such as {arr[:3]}.")
    ex.n_checks += 1
    return arr.astype(int)


# ---------------------------------------------------------------- data

_RNG = np.random.default_rng(101)
_CENTRES_TRUE = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 4.0]])
X_BLOBS = np.concatenate([c + _RNG.normal(size=(20, 2)) for c in _CENTRES_TRUE])
CENTERS = np.array([[0.5, -0.5], [3.0, 2.0], [0.0, 3.0]])


def _sqdist(X, centers):
    return ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)


def _cases_assign():
    rng = np.random.default_rng(7)
    X5 = rng.normal(size=(40, 5))
    C5 = rng.normal(size=(4, 5))
    return [
        (X_BLOBS, CENTERS, "60 points and 3 centres in 2-D"),
        (X5, C5, "40 points and 4 centres in 5-D"),
        (X_BLOBS[:1], CENTERS, "a single point"),
        (X_BLOBS, CENTERS[:1], "k = 1 (every label must be 0)"),
        (X_BLOBS[:, :1], CENTERS[:, :1], "d = 1 (X of shape (60, 1))"),
        (X_BLOBS + 1e3, CENTERS + 1e3, "points and centres shifted by 1000"),
    ]


# ---------------------------------------------------------------- exercise 1: hard assignment


def check_assign(student_assign, hidden=False):
    """assign(X, centers) -> labels (n,): index of the nearest centre."""
    from ..kmeans import assign

    ex = Exercise("assign")
    forbid(ex, student_assign, [assign])
    cases = _cases_assign()
    if not hidden:
        cases = cases[:4]
    for X, C, case in cases:
        got = labels_array(ex, ex.call(student_assign, X, C, case=case), len(X))
        d2 = _sqdist(X, C)
        want = np.argmin(d2, axis=1)
        if np.array_equal(got, want):
            ex.n_checks += 1
            continue
        if np.array_equal(got, np.argmax(d2, axis=1)):
            ex.fail(f"on {case} your labels point to the farthest centre: use argmin, not argmax.")
        if np.array_equal(got, want + 1):
            ex.fail(f"on {case} your labels run from 1 to k; Python counts from 0, so label the first centre 0.")
        ex.fail(
            f"on {case}, {np.count_nonzero(got != want)} of {len(X)} labels differ from the nearest centre "
            f"(first at point {int(np.flatnonzero(got != want)[0])}). Compare squared Euclidean distances "
            "||x_n - m_k||^2 summed over the d coordinates."
        )
    ex.passed("including a single point and k = 1" + (", d = 1 and shifted data" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: the objective J


def check_objective(student_objective, hidden=False):
    """objective(X, centers, labels) -> J = sum_n ||x_n - m_{labels_n}||^2."""
    from ..kmeans import objective

    ex = Exercise("objective")
    forbid(ex, student_objective, [objective])
    cases = [(X, C, np.argmin(_sqdist(X, C), axis=1), case) for X, C, case in _cases_assign()]
    # labels that are not the nearest centres: J must use the labels given, not recompute them
    cases.insert(
        1, (X_BLOBS, CENTERS, np.arange(len(X_BLOBS)) % 3, "labels 0, 1, 2, 0, 1, 2, ... (not the nearest centres)")
    )
    if not hidden:
        cases = cases[:4]
    for X, C, labels, case in cases:
        got = ex.number(ex.call(student_objective, X, C, labels, case=case), "J")
        d2 = _sqdist(X, C)
        want = d2[np.arange(len(X)), labels].sum()
        if np.isclose(got, want, rtol=1e-9, atol=1e-9):
            ex.n_checks += 1
            continue
        own = d2[np.arange(len(X)), labels]
        wrong = [
            (np.sqrt(own).sum(), "you summed distances, not squared distances: J uses ||x_n - m_k||^2"),
            (want / len(X), "you averaged over points; J is the sum over points, not the mean"),
            (d2.sum(), "you summed the distances to every centre; each point counts only its own centre m_{labels_n}"),
            (
                d2.min(axis=1).sum(),
                "you used the nearest centre instead of the labels passed in; J(r, m) takes the assignment as given",
            ),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-9, atol=1e-8)
        ex.fail(f"on {case} your J is {got:.6g}, the reference is {want:.6g}.")
    ex.passed("with given labels that are not the nearest centres")


# ---------------------------------------------------------------- exercise 3: one Lloyd update


def check_update_centers(student_update, hidden=False):
    """update_centers(X, labels, old_centers) -> (k, d): cluster means; an empty cluster keeps its centre."""
    from ..kmeans import _cluster_means

    ex = Exercise("update_centers")
    forbid(ex, student_update, [_cluster_means])
    labels = np.argmin(_sqdist(X_BLOBS, CENTERS), axis=1)
    one_point = labels.copy()
    one_point[:] = np.where(labels == 2, 1, labels)
    one_point[5] = 2  # cluster 2 holds exactly one point
    empty = np.where(labels == 1, 0, labels)  # nobody in cluster 1
    rng = np.random.default_rng(3)
    X4 = rng.normal(size=(30, 4))
    C4 = rng.normal(size=(5, 4))
    l4 = rng.integers(0, 4, size=30)  # cluster 4 empty
    cases = [
        (X_BLOBS, labels, CENTERS, "60 points, 3 clusters"),
        (X_BLOBS, one_point, CENTERS, "a cluster with a single point"),
        (X_BLOBS, empty, CENTERS, "an empty cluster (cluster 1 has no points)"),
        (X4, l4, C4, "4-D data with an empty cluster"),
        (X_BLOBS[:, :1], labels, CENTERS[:, :1], "d = 1"),
    ]
    if not hidden:
        cases = cases[:3]
    for X, lab, C, case in cases:
        k, d = C.shape
        with warnings.catch_warnings():  # np.mean of an empty cluster warns; the check explains it instead
            warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
            warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
            raw = ex.call(student_update, X, lab, C, case=case)
        counts = np.bincount(lab, minlength=k)
        arr = np.asarray(raw, dtype=float) if np.ndim(raw) == 2 else None
        if arr is not None and arr.shape == (k, d) and not np.all(np.isfinite(arr)):
            ex.fail(
                f"on {case} your centres contain NaN: an empty cluster gives 0/0. "
                "When no point has label j, keep the old centre old_centers[j]."
            )
        got = ex.array(raw, (k, d), "your new centres")
        want = C.copy()
        for j in range(k):
            if counts[j]:
                want[j] = X[lab == j].mean(axis=0)
        if np.allclose(got, want, rtol=1e-9, atol=1e-12):
            ex.n_checks += 1
            continue
        filled = counts > 0
        sums = np.array([X[lab == j].sum(axis=0) for j in range(k)])
        if not np.allclose(got[~filled], C[~filled]) and np.allclose(got[filled], want[filled]):
            ex.fail(
                f"on {case} the non-empty clusters are right but an empty cluster moved to {got[~filled][0]}; "
                "a cluster with no points keeps its old centre (so J cannot increase)."
            )
        if np.allclose(got[filled], sums[filled]):
            ex.fail(f"on {case} your centres are the sums of the points; divide by the number of points N_k.")
        if np.allclose(got[filled], sums[filled] / len(X)):
            ex.fail(f"on {case} you divided by n, the number of all points; divide by N_k, the count of cluster k.")
        ex.fail(f"on {case} your centres differ from the cluster means; centre j is the mean of the points labelled j.")
    ex.passed("including a one-point cluster and an empty cluster")


# ---------------------------------------------------------------- exercise 4: soft assignment


def _softmax_rows(logits, axis=1):
    logits = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=axis, keepdims=True)


def check_soft_assign(student_soft, hidden=False):
    """soft_assign(X, centers, beta) -> (n, k): softmax over k of -beta/2 ||x_n - m_k||^2."""
    from ..kmeans import soft_responsibilities

    ex = Exercise("soft_assign")
    forbid(ex, student_soft, [soft_responsibilities])
    far = X_BLOBS[:10] + np.array([40.0, -30.0])
    cases = [
        (X_BLOBS, CENTERS, 1.0, "beta = 1"),
        (X_BLOBS, CENTERS, 0.0, "beta = 0 (every weight should be 1/k)"),
        (X_BLOBS, CENTERS, 0.3, "beta = 0.3"),
        (far, CENTERS, 2.0, "points 50 units from every centre, beta = 2"),
        (X_BLOBS, CENTERS, 500.0, "beta = 500"),
        (X_BLOBS[:1], CENTERS, 1.0, "a single point"),
        (X_BLOBS, CENTERS[:1], 3.0, "k = 1"),
    ]
    if not hidden:
        cases = cases[:4]
    for X, C, beta, case in cases:
        n, k = len(X), len(C)
        got = finite_array(
            ex,
            ex.call(student_soft, X, C, beta, case=case),
            (n, k),
            f"your soft assignments on {case}",
            "exp(-beta/2 d^2) underflows to 0 for every centre when the point is far from all of them, "
            "and 0/0 is NaN. Subtract each row's largest logit before exponentiating (log-sum-exp trick).",
        )
        d2 = _sqdist(X, C)
        want = _softmax_rows(-0.5 * beta * d2)
        if np.allclose(got, want, rtol=1e-7, atol=1e-10):
            ex.n_checks += 1
            continue
        sums = got.sum(axis=1)
        if not np.allclose(sums, 1.0):
            col = got.sum(axis=0)
            hint = (
                " Your columns sum to 1: you normalised over points (axis=0) instead of over centres (axis=1)."
                if np.allclose(col, 1.0)
                else " Divide each row by its sum."
            )
            ex.fail(f"on {case} the rows of your table sum to {np.round(sums[:3], 4)}, not 1.{hint}")
        wrong = [
            (
                _softmax_rows(-beta * d2),
                "you used exp(-beta ||x - m||^2): the exponent is -beta/2 times the squared distance",
            ),
            (
                _softmax_rows(-0.5 * beta * np.sqrt(d2)),
                "you used the distance, not the squared distance, in the exponent",
            ),
            (
                _softmax_rows(0.5 * beta * d2),
                "the sign of the exponent is flipped: far centres get the largest weight. Use exp(-beta/2 d^2)",
            ),
            (
                np.eye(k)[np.argmin(d2, axis=1)],
                "you returned the hard one-hot table; the soft table is a softmax, not an argmin",
            ),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-6, atol=1e-9)
        ex.close(got, want, f"on {case} your soft assignments differ from softmax_k(-beta/2 ||x_n - m_k||^2)")
    ex.passed("including beta = 0 and points 50 units from every centre" + (", beta = 500, k = 1" if hidden else ""))


# ---------------------------------------------------------------- exercise 5: the gradient of J


def check_grad_J(student_grad, hidden=False):
    """grad_J(X, centers, labels) -> (k, d): dJ/dm_k = -2 sum_{n in k} (x_n - m_k)."""
    ex = Exercise("grad_J")
    labels = np.argmin(_sqdist(X_BLOBS, CENTERS), axis=1)
    empty = np.where(labels == 1, 0, labels)
    rng = np.random.default_rng(11)
    X3, C3 = rng.normal(size=(25, 3)), rng.normal(size=(2, 3))
    cases = [
        (X_BLOBS, CENTERS, labels, "60 points, 3 clusters"),
        (X_BLOBS, CENTERS, empty, "an empty cluster (its gradient is zero)"),
        (X3, C3, np.arange(25) % 2, "3-D data"),
    ]
    if not hidden:
        cases = cases[:2]
    for X, C, lab, case in cases:
        k, d = C.shape
        got = ex.array(ex.call(student_grad, X, C, lab, case=case), (k, d), f"your gradient on {case}")
        onehot = np.eye(k)[lab]
        want = -2.0 * (onehot.T @ X - onehot.sum(axis=0)[:, None] * C)
        if np.allclose(got, want, rtol=1e-9, atol=1e-9):
            ex.n_checks += 1
            continue
        if np.allclose(got, -want):
            ex.fail(f"on {case} your gradient has the wrong sign: d/dm ||x - m||^2 = -2 (x - m).")
        if np.allclose(got, want / 2):
            ex.fail(f"on {case} your gradient is half the reference: d/dm ||x - m||^2 = -2 (x - m), keep the factor 2.")
        counts = np.maximum(onehot.sum(axis=0), 1)[:, None]
        if np.allclose(got, want / counts):
            ex.fail(f"on {case} you divided by N_k: the gradient of the sum J is a sum over the cluster, not a mean.")
        allpts = -2.0 * (X.sum(axis=0)[None, :] - len(X) * C)
        if np.allclose(got, allpts):
            ex.fail(f"on {case} you summed over all points; only the points with label k depend on m_k.")
        ex.close(got, want, f"on {case} your gradient differs from -2 sum_(n in cluster k) (x_n - m_k)")
    # finite differences on the student's own function are pointless; instead: the gradient vanishes at the means
    means = np.array([X_BLOBS[labels == j].mean(axis=0) for j in range(3)])
    g = ex.array(ex.call(student_grad, X_BLOBS, means, labels, case="the cluster means"), (3, 2), "your gradient")
    ex.expect(np.abs(g).max() < 1e-9, f"at the cluster means your gradient is {np.abs(g).max():.3g}, not 0.")
    ex.passed(f"and it vanishes at the cluster means: largest entry {np.abs(g).max():.1e}")


# ---------------------------------------------------------------- exercise 6: how many assignments?


def check_n_assignments(student_count, hidden=False):
    """n_assignments(n, k) -> k**n, the number of ways to give each of n points one of k labels."""
    ex = Exercise("n_assignments")
    cases = [(1, 3), (2, 2), (3, 2), (5, 3), (10, 4), (4, 1)]
    if hidden:
        cases += [(60, 3), (272, 2)]
    for n, k in cases:
        got = ex.call(student_count, n, k, case=f"n = {n}, k = {k}")
        want = k**n
        try:
            ok = int(got) == want and float(got) == float(want)
        except (TypeError, ValueError, OverflowError):
            ex.fail(f"n_assignments({n}, {k}) should be a whole number; got {got!r}.")
        if ok:
            ex.n_checks += 1
            continue
        if got == n**k:
            ex.fail(f"n_assignments({n}, {k}) = {got} = n**k: each of the n points picks one of k labels, so k**n.")
        if got == n * k:
            ex.fail(f"n_assignments({n}, {k}) = {got} = n*k counts the entries of the table, not the tables.")
        ex.fail(f"n_assignments({n}, {k}) = {got}; think of the choices: point 1 has k labels, point 2 has k, ...")
    ex.passed("so Lloyd's algorithm, which never revisits an assignment, stops after at most k**n updates")
