"""coursepkg: the companion package of the course on soft clustering, Gaussian mixtures and EM.

Modules: gaussian, mixture, logspace, em, kmeans, meanshift, datasets, plotting,
widgets (the labs), checks (exercise feedback), and for teachers nbgrader_source,
generate, grading and cli.
"""

from . import datasets, em, gaussian, kmeans, meanshift, mixture
from .em import e_step, em_iteration, fit_em, lower_bound, m_step
from .mixture import GMM, sample

__version__ = "0.1.0"

__all__ = [
    "GMM",
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
    "mixture",
    "sample",
]
