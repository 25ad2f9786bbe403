"""coursepkg: the companion package of the course on soft clustering, Gaussian mixtures and EM.

Modules: gaussian, mixture, em, kmeans, meanshift, datasets, plotting,
widgets (the labs), checks (exercise feedback), grading and cli (for teachers).
"""

from . import datasets, em, gaussian, kmeans, meanshift, mixture
from .em import e_step, fit_em, lower_bound, m_step
from .mixture import GMM, sample

__version__ = "0.1.0"

__all__ = [
    "GMM",
    "datasets",
    "e_step",
    "em",
    "fit_em",
    "gaussian",
    "kmeans",
    "lower_bound",
    "m_step",
    "meanshift",
    "mixture",
    "sample",
]
