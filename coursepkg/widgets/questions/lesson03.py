"""The concept questions of lesson 03."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Why can't we find the maximum-likelihood mean of a mixture component by setting the gradient of "
        "the log-likelihood to zero and solving, as for a single Gaussian?",
        [
            "The stationarity equation contains the responsibilities, which themselves depend on the means.",
            "The mixture log-likelihood has no maximum, so there is nothing to solve for.",
            "The Gaussian density is not differentiable in its mean.",
            "There are too many parameters for a closed form.",
        ],
        0,
        [
            "Setting the gradient to zero gives μ_k = Σ r_nk x_n / Σ r_nk with r_nk depending on μ: an implicit "
            "equation, the chicken-and-egg. With known labels the weights are fixed 0/1 and it becomes a closed form.",
            "The likelihood can be made unbounded by collapsing a component onto one point (lesson 06), but "
            "that is not what blocks the derivation: even a well-behaved local maximum satisfies only an "
            "implicit equation.",
            "The density is smooth in μ; we computed its gradient above and checked it with finite differences.",
            "The number of parameters is not the obstacle: with known labels the same parameters have a closed "
            "form. The obstacle is the log of a sum, which couples the components.",
        ],
    ),
    ConceptQuestion(
        "To compute Q we replace every z_nk in the complete log-likelihood by r_nk. Why is that exact?",
        [
            "Because the responsibilities are usually close to 0 or 1.",
            "Because the complete log-likelihood is linear in the z_nk, and the expectation of a linear "
            "function is that function of the expectations.",
            "Because the expectation of a log is the log of the expectation.",
            "Because z_n is independent of x_n.",
        ],
        1,
        [
            "No rounding is involved: the Monte Carlo check above matched Q for Old Faithful, whose "
            "responsibilities include many values near 1/2.",
            "log p(X, Z | θ) = Σ_n Σ_k z_nk [log π_k + log N(x_n | μ_k, Σ_k)] is linear in z, so E[...] puts "
            "E[z_nk] = r_nk in place of z_nk with no approximation.",
            "That is false in general (the log is concave, so E[log Y] ≤ log E[Y], lesson 04's Jensen inequality). "
            "The substitution works because there is no log wrapped around z here, only a linear combination.",
            "The opposite: z_n and x_n are dependent, which is why r_nk = p(z_nk = 1 | x_n) differs from π_k. "
            "The expectation uses this posterior, given x_n.",
        ],
    ),
    ConceptQuestion(
        "At θ = θ_old, how does Q(θ_old, θ_old) compare with the log-likelihood log p(X | θ_old)?",
        [
            "They are equal, since both describe the same data.",
            "Q is larger, because it uses the complete data, which carries more information.",
            "Q is smaller, by the entropy of the responsibilities; they are equal only when every r_nk is 0 or 1.",
            "They are equal only once EM has converged.",
        ],
        2,
        [
            "They differ by H(r) = −Σ r_nk log r_nk, which we printed above; it is zero only for hard "
            "responsibilities.",
            "More information does not mean more probability: p(x, z) is one term of the sum p(x) = Σ_z p(x, z), "
            "so each complete-data term is smaller, and so is their average.",
            "Q(θ_old, θ_old) + H(r) = log p(X | θ_old) exactly; H(r) ≥ 0 measures how uncertain the labels are.",
            "The identity Q + H = log-likelihood holds at every θ_old, converged or not, and H(r) stays positive "
            "at convergence whenever clusters overlap.",
        ],
    ),

)
