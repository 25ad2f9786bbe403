"""Row-wise softmax in log space: the one normalisation behind the E-step, soft k-means and mean-shift.

All three turn a table of log-weights a_nk (log pi_k + log N(x_n | mu_k, Sigma_k), or
-beta/2 ||x_n - m_k||^2, or -||p_n - x_k||^2 / (2 h^2)) into rows of probabilities

    r_nk = exp(a_nk) / sum_j exp(a_nj),

and need log sum_j exp(a_nj) as well (the log-likelihood of point n in the E-step). Shifting each
row by its maximum m_n = max_j a_nj first makes the largest term exp(0) = 1, so the sum can
neither underflow to 0 (points far from every component) nor overflow.
"""

import numpy as np


def row_max(a):
    """a.max(axis=1) of a 2-D array, as a loop over its columns: much faster than a reduction along short rows."""
    out = a[:, 0].copy()
    for j in range(1, a.shape[1]):
        np.maximum(out, a[:, j], out=out)
    return out


def softmax_rows(log_weights, out=None):
    """Normalise each row of exp(log_weights) to sum to 1, in log space.

    Parameters
    ----------
    log_weights : array of shape (n, k), finite or -inf (a weight of 0); each row needs one finite entry
    out : None, or an array of shape (n, k) to write the probabilities into (may be `log_weights`
        itself, to normalise in place)

    Returns
    -------
    probs : array of shape (n, k), non-negative rows summing to 1
    log_normaliser : array of shape (n,), log sum_j exp(log_weights[n, j]) (scipy's logsumexp along axis 1)
    """
    log_weights = np.asarray(log_weights, dtype=float)
    if log_weights.ndim != 2 or log_weights.shape[1] < 1:
        raise ValueError(f"log_weights must be a 2-D array of shape (n, k) with k >= 1; got shape {log_weights.shape}.")
    m = row_max(log_weights)
    probs = np.subtract(log_weights, m[:, None], out=out)
    np.exp(probs, out=probs)
    total = probs @ np.ones(probs.shape[1])  # >= 1, since the largest term is exp(0); one BLAS call
    probs /= total[:, None]
    return probs, np.log(total) + m


__all__ = ["row_max", "softmax_rows"]
