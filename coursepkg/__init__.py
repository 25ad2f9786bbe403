"""coursepkg: the companion package of the course on soft clustering, Gaussian mixtures and EM.

Modules: gaussian, mixture, logspace, em, selection (choosing k and the covariance type), kmeans,
meanshift, bernoulli (a mixture of Bernoullis), quantise (colour palettes), scale (EM on Dask),
datasets, plotting, widgets (the labs), checks (exercise feedback), and for teachers nbgrader_source,
generate, grading and cli.
"""

from . import bernoulli, datasets, em, gaussian, kmeans, meanshift, mixture, quantise, scale, selection
from .em import e_step, em_iteration, fit_em, lower_bound, m_step
from .mixture import COVARIANCE_TYPES, GMM, sample
from .selection import aic, bic, cross_validated_log_likelihood, n_parameters

__version__ = "0.1.0"

__all__ = [
    "COVARIANCE_TYPES",
    "GMM",
    "aic",
    "bernoulli",
    "bic",
    "cross_validated_log_likelihood",
    "datasets",
    "e_step",
    "em",
    "em_iteration",
    "fit_em",
    "gaussian",
    "kmeans",
    "lower_bound",
    "m_step",
    "meanshift",
    "quantise",
    "scale",
    "mixture",
    "n_parameters",
    "sample",
    "selection",
]
