"""The concept questions of lesson 03."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Before you run the next cell: the eruption durations are fitted by ½ N(μ₁, 0.5²) + ½ N(μ₂, 0.5²), "
        "with only the two means free. How many local maxima will the surface ℓ(μ₁, μ₂) have?",
        [
            "One, at the short and the long class means, as for any Gaussian fit",
            "Two, at the same pair of means with the roles of μ₁ and μ₂ swapped",
            "One, on the line μ₁ = μ₂, where both means sit at the mean duration",
            "A whole ridge of them, one for every point of the line μ₁ = μ₂",
        ],
        1,
        [
            "A single peak is what the complete-data log-likelihood has (labels known, the right panel). Without "
            "labels nothing says which component is the short one: with equal weights and variances "
            "ℓ(μ₁, μ₂) = ℓ(μ₂, μ₁), so the swapped pair is a maximum too.",
            "Weights and variances are equal, so swapping the two means leaves ℓ unchanged: the maximum near "
            "(2.06, 4.30) has a mirror image at (4.30, 2.06) with the same ℓ, and the cell finds both by starting "
            "an optimiser on either side of the diagonal.",
            "(x̄, x̄) is a stationary point, but a saddle: along the diagonal ℓ is one Gaussian's log-likelihood and "
            "curves down, across it ℓ curves up by N(s² − σ²)/σ⁴ > 0, because the durations spread more "
            "(s² = 1.30) than one component does (σ² = 0.25). Pulling the means apart raises ℓ.",
            "On the line μ₁ = μ₂ = m the mixture is the single Gaussian N(m, 0.25), whose log-likelihood has one "
            "maximum in m, at the mean duration; and even that point is a saddle of ℓ, not a maximum.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Before you run the next cell: it replaces each mean by the right-hand side Σ_n r_nk x_n / Σ_n r_nk "
        "evaluated at θ_old. What will the gradient of ℓ be at the new means?",
        [
            "Exactly zero: the new means solve the equation ∇ℓ = 0",
            "Reversed: the move jumps past the top, so it points back",
            "Not zero: the responsibilities move along with the means",
            "Zero, but only once the weights and covariances move as well",
        ],
        2,
        [
            "That treats the equation as a closed form. The r_nk on the right were computed at θ_old; at the new "
            "means they are different numbers, so the equation no longer holds and the gradient is not zero.",
            "That pictures the plug-in as a step that overshoots the peak. It does not: ℓ rises, and the cell "
            "finds the new gradient pointing almost the same way as the old one (cosine above 0.95). The means "
            "moved towards the peak but not onto it, because the responsibilities moved with them.",
            "The weighted average is where the old responsibilities point, and the move raises ℓ, but the "
            "responsibilities at the new means differ from the old ones and ask for yet other means: the "
            "equation is an implicit one, and the gradient stays away from zero.",
            "Updating every parameter from the same responsibilities (a full M-step) does not help: the cell "
            "checks that the gradient is still not zero afterwards. The responsibilities change with each "
            "parameter; only at a fixed point, where they stop changing, does the gradient vanish.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Q replaces every z_nk of the complete log-likelihood by r_nk, and the Monte Carlo average agreed with "
        "it. Why is that replacement exact rather than an approximation?",
        [
            "Because most responsibilities here are close to 0 or 1",
            "Because the average of a log equals the log of the average",
            "Because each label z_n is independent of its point x_n",
            "Because log p(X, Z | θ) is a linear function of the z_nk",
        ],
        3,
        [
            "No rounding is involved, and the responsibilities here are far from hard: at θ_old 162 of the 272 lie "
            "between 0.2 and 0.8 (section 6), yet the Monte Carlo mean matched Q within its standard error.",
            "That is false in general: the log is concave, so E[log Y] ≤ log E[Y] (Jensen's inequality, lesson "
            "04). The substitution is exact because no log is wrapped around z here, only a weighted sum of the z_nk.",
            "The opposite: z_n and x_n are dependent, which is why r_nk = p(z_nk = 1 | x_n) differs from π_k. The "
            "expectation is taken under this posterior, given x_n.",
            "log p(X, Z | θ) = Σ_n Σ_k z_nk [log π_k + log N(x_n | μ_k, Σ_k)] is a weighted sum of the z_nk, and "
            "the mean of a weighted sum is the weighted sum of the means, with E[z_nk] = r_nk: nothing is dropped.",
        ],
    ),
    ConceptQuestion(
        "At θ = θ_old, how does Q(θ_old, θ_old) compare with the log-likelihood ℓ(θ_old)?",
        [
            "Q is lower, by the entropy H(r) of the responsibilities",
            "They are equal, since both describe the same data at θ_old",
            "Q is higher, because complete data carry more information",
            "They are equal, but only once EM has converged",
        ],
        0,
        [
            "Q(θ_old, θ_old) + H(r) = ℓ(θ_old) exactly (checked above to 1e-9). H(r) ≥ 0 measures how uncertain "
            "the labels are, and it is zero only when every responsibility is 0 or 1.",
            "They differ by H(r) = −Σ r_nk log r_nk, which is large at θ_old because many points are shared between "
            "the components; only hard responsibilities would make the two equal.",
            "More information does not mean more probability: p(x_n, z_n) is one term of the sum "
            "p(x_n) = Σ_z p(x_n, z), so each complete-data term is smaller, and so is their average under r.",
            "The identity Q + H = ℓ holds at every θ_old, converged or not, and at convergence H(r) stays positive "
            "whenever the clusters overlap.",
        ],
    ),
)
