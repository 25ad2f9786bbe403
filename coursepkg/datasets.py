"""Data sets for the course: Old Faithful and seeded synthetic mixtures.

Old Faithful: 272 eruptions of the Old Faithful geyser, columns eruption time
(minutes) and waiting time to the next eruption (minutes). Source: W. Härdle
(1991), Smoothing Techniques with Implementation in S; distributed as the
`faithful` data set of R's `datasets` package. Shipped in coursepkg/data so
the course needs no network.
"""

import csv
from importlib import resources

import numpy as np

from ._validation import check_positive_int, check_rng
from .gaussian import covariance_from_axes
from .mixture import GMM, sample

FAITHFUL_COLUMNS = ("eruption time (min)", "waiting time (min)")


def old_faithful():
    """The Old Faithful data, read from the copy shipped in the package.

    Returns
    -------
    array of shape (272, 2): eruption time (minutes), waiting time to the next eruption (minutes)
    """
    with resources.files("coursepkg").joinpath("data/faithful.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return np.array([[float(r[1]), float(r[2])] for r in rows])


# The true mixtures behind the synthetic sets (2-D, three components each).
SYNTHETIC = {
    # well separated, round, equal: where k-means and EM agree
    "round": GMM(
        [1 / 3, 1 / 3, 1 / 3],
        [[0.0, 0.0], [4.0, 0.5], [1.5, 3.8]],
        [np.eye(2) * 0.5, np.eye(2) * 0.5, np.eye(2) * 0.5],
    ),
    # long thin parallel clusters: k-means cuts across them, EM follows them
    "elongated": GMM(
        [1 / 3, 1 / 3, 1 / 3],
        [[0.0, 0.0], [0.0, 2.2], [0.0, 4.4]],
        [covariance_from_axes(2.5, 0.35, 8)] * 3,
    ),
    # heavy overlap: soft assignments matter
    "overlapping": GMM(
        [0.4, 0.35, 0.25],
        [[0.0, 0.0], [2.0, 0.8], [0.8, 2.2]],
        [covariance_from_axes(1.1, 0.7, 30), covariance_from_axes(1.0, 0.6, -20), covariance_from_axes(0.8, 0.8, 0)],
    ),
    # one big wide cluster beside two small tight ones
    "unequal": GMM(
        [0.7, 0.2, 0.1],
        [[0.0, 0.0], [3.5, 3.0], [4.5, -1.0]],
        [np.eye(2) * 2.0, np.eye(2) * 0.15, np.eye(2) * 0.1],
    ),
}


def make_synthetic(kind, n=300, rng=0):
    """Draw n points from the named synthetic mixture (see SYNTHETIC).

    Parameters
    ----------
    kind : "round", "elongated", "overlapping" or "unequal"
    n : int >= 1, default 300
    rng : None, int or numpy.random.Generator, default 0: the same int gives the same points every time

    Returns
    -------
    X : array of shape (n, 2)
    z : int array of shape (n,), the true component of each point
    """
    if kind not in SYNTHETIC:
        raise ValueError(f"kind must be one of {sorted(SYNTHETIC)}; got {kind!r}.")
    n = check_positive_int(n, "n")
    return sample(SYNTHETIC[kind], n, rng=check_rng(rng))


def round_blobs(n=300, rng=0):
    """`make_synthetic("round", n, rng)`: three well separated round clusters."""
    return make_synthetic("round", n, rng)


def elongated(n=300, rng=0):
    """`make_synthetic("elongated", n, rng)`: three long thin parallel clusters."""
    return make_synthetic("elongated", n, rng)


def overlapping(n=300, rng=0):
    """`make_synthetic("overlapping", n, rng)`: three heavily overlapping clusters."""
    return make_synthetic("overlapping", n, rng)


def unequal_sizes(n=300, rng=0):
    """`make_synthetic("unequal", n, rng)`: one big wide cluster beside two small tight ones."""
    return make_synthetic("unequal", n, rng)


def random_gmm(k, d, rng=0, separation=3.0):
    """A random well-conditioned mixture in d dimensions (for tests and high-dimensional demos).

    Parameters
    ----------
    k, d : int >= 1, the number of components and the dimension
    rng : None, int or numpy.random.Generator, default 0
    separation : float, default 3.0, the standard deviation of the means around the origin

    Returns
    -------
    GMM with Dirichlet(5, ..., 5) weights, N(0, separation^2 I) means and covariances A A^T + 0.3 I
    """
    rng = check_rng(rng)
    weights = rng.dirichlet(np.full(k, 5.0))
    means = rng.normal(scale=separation, size=(k, d))
    covs = []
    for _ in range(k):
        A = rng.normal(size=(d, d)) / np.sqrt(d)
        covs.append(A @ A.T + 0.3 * np.eye(d))
    return GMM(weights, means, np.array(covs))
