"""The course's data sets: Old Faithful and the seeded synthetic mixtures."""

import numpy as np
import pytest

from coursepkg import datasets
from coursepkg.mixture import GMM


def test_old_faithful():
    X = datasets.old_faithful()
    assert X.shape == (272, 2) and X.dtype == float
    np.testing.assert_array_equal(X[0], [3.6, 79.0])
    np.testing.assert_array_equal(X[1], [1.8, 54.0])
    assert 1.5 < X[:, 0].min() and X[:, 0].max() < 5.2
    assert 40 < X[:, 1].min() and X[:, 1].max() < 100
    assert len(datasets.FAITHFUL_COLUMNS) == 2


@pytest.mark.parametrize("kind", sorted(datasets.SYNTHETIC))
def test_synthetic_sets_are_seeded(kind):
    X, z = datasets.make_synthetic(kind, 120, rng=3)
    assert X.shape == (120, 2) and z.shape == (120,)
    assert set(np.unique(z)) <= {0, 1, 2}
    X2, z2 = datasets.make_synthetic(kind, 120, rng=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(z, z2)
    assert not np.array_equal(X, datasets.make_synthetic(kind, 120, rng=4)[0])


@pytest.mark.parametrize(
    "func, kind",
    [(datasets.round_blobs, "round"), (datasets.elongated, "elongated"),
     (datasets.overlapping, "overlapping"), (datasets.unequal_sizes, "unequal")],
)
def test_named_shortcuts(func, kind):
    np.testing.assert_array_equal(func(50, rng=2)[0], datasets.make_synthetic(kind, 50, rng=2)[0])
    assert func()[0].shape == (300, 2)


def test_synthetic_truths_are_valid_mixtures():
    for gmm in datasets.SYNTHETIC.values():
        assert isinstance(gmm, GMM) and (gmm.k, gmm.d) == (3, 2)


def test_unequal_sizes_follow_their_weights():
    _, z = datasets.unequal_sizes(5000, rng=0)
    np.testing.assert_allclose(np.bincount(z) / 5000, [0.7, 0.2, 0.1], atol=0.03)


def test_random_gmm():
    gmm = datasets.random_gmm(4, 7, rng=5)
    assert (gmm.k, gmm.d) == (4, 7)
    assert gmm.weights.sum() == pytest.approx(1.0)
    assert np.all(np.linalg.eigvalsh(gmm.covariances) >= 0.3 - 1e-12)
    again = datasets.random_gmm(4, 7, rng=5)
    np.testing.assert_array_equal(gmm.means, again.means)
    assert not np.array_equal(gmm.means, datasets.random_gmm(4, 7, rng=6).means)


@pytest.mark.parametrize(
    "call, match",
    [(lambda: datasets.make_synthetic("square"), "kind must be one of"),
     (lambda: datasets.make_synthetic("round", n=0), "n must be a positive integer")],
)
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()
