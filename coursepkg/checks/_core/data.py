"""Trusted inputs that several lessons' checks share: fixed mixtures and the points drawn from them.

- WEIGHTS, MEANS, COVS: the 3-component 2-D mixture of lessons 02-04 (lesson 02's notebook shows it);
  GMM3 is it as a `coursepkg.mixture.GMM` (lessons 03 and 04), ZERO_W the same means and covariances
  with the weights (0.6, 0.4, 0), a component of weight 0.
- GMM_A and `draw_points`: the (weights, means, covs) mixture of lessons 05 and 06, and a seeded
  sampler for such a triple that does not go through coursepkg.
"""

import numpy as np

from ...gaussian import covariance_from_axes
from ...mixture import GMM

WEIGHTS = np.array([0.5, 0.3, 0.2])
MEANS = np.array([[0.0, 0.0], [4.0, 1.0], [-1.0, 4.0]])
COVS = np.array(
    [covariance_from_axes(1.5, 0.5, 30.0), covariance_from_axes(1.0, 0.4, 120.0), covariance_from_axes(0.8, 0.8, 0.0)]
)
GMM3 = GMM(WEIGHTS, MEANS, COVS)
ZERO_W = GMM(np.array([0.6, 0.4, 0.0]), MEANS, COVS)

GMM_A = (
    np.array([0.5, 0.3, 0.2]),
    np.array([[0.0, 0.0], [3.0, 0.5], [0.5, 3.0]]),
    np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.6], [0.6, 0.8]], [[0.4, 0.0], [0.0, 0.4]]]),
)


def draw_points(params, n, seed):
    """n points from the mixture params = (weights, means, covs), drawn with numpy's generator of `seed`."""
    weights, means, covs = params
    rng = np.random.default_rng(seed)
    z = rng.choice(len(weights), size=n, p=weights)
    return np.array([rng.multivariate_normal(means[j], covs[j]) for j in z])
