"""Reference computations that several lessons' checks share, written with numpy and scipy only.

They are independent of the coursepkg functions the students re-implement (kmeans, mixture, em),
so a check compares the student's function with a second computation, not with its own answer key:

- `sqdist`: the (n, k) table of squared distances ||x_n - m_k||^2 (lessons 01 and 08).
- `softmax_rows`: each row of exp(a) normalised to 1, after subtracting the row's maximum (01, 05, 08).
- `log_gauss`, `log_joint`: a_nk = log pi_k + log N(x_n | mu_k, Sigma_k) by Cholesky, with variants
  that drop the weights or the normalising constant (the mistakes of lessons 05 and 06).
- `reference_e_step`: responsibilities and log-likelihood from `log_joint` (05 and 06).

Lessons 03 and 04 use `coursepkg.mixture.weighted_log_prob` for the log joint instead: their students
build on lesson 02's `log_pdf`, and the checks compare with the package.
"""

import numpy as np
from scipy import special


def sqdist(X, centers):
    """||x_n - m_k||^2 summed over the d coordinates: shape (n, k)."""
    return ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)


def softmax_rows(a):
    """exp(a_nk) / sum_j exp(a_nj) for each row, shifted by the row's maximum so that nothing overflows."""
    a = a - a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)


def log_gauss(X, mean, cov):
    """log N(x_n | mean, cov) for each row, by Cholesky (independent of the student's code)."""
    X = np.atleast_2d(X)
    L = np.linalg.cholesky(cov)
    y = np.linalg.solve(L, (X - mean).T)
    d = X.shape[1]
    return -0.5 * (d * np.log(2 * np.pi) + 2 * np.log(np.diag(L)).sum() + np.sum(y**2, axis=0))


def log_joint(X, weights, means, covs, use_weights=True, use_logdet=True):
    """a_nk = log pi_k + log N(x_n | mu_k, Sigma_k), shape (n, k); variants drop a term."""
    cols = []
    for w, m, c in zip(weights, means, covs, strict=True):
        col = log_gauss(X, m, c)
        if not use_logdet:
            col = col + 0.5 * np.linalg.slogdet(2 * np.pi * c)[1]
        if use_weights:
            with np.errstate(divide="ignore"):
                col = col + np.log(w)
        cols.append(col)
    return np.column_stack(cols)


def reference_e_step(X, weights, means, covs):
    """(responsibilities (n, k), log-likelihood sum_n log p(x_n)) of the mixture (weights, means, covs)."""
    a = log_joint(X, weights, means, covs)
    return softmax_rows(a), float(special.logsumexp(a, axis=1).sum())
