"""The concept questions of lesson 04."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "For positive numbers x₁, x₂ and a weight w in (0, 1), which is always true?",
        [
            "log(w x₁ + (1 − w) x₂) ≥ w log x₁ + (1 − w) log x₂",
            "log(w x₁ + (1 − w) x₂) ≤ w log x₁ + (1 − w) log x₂",
            "log(w x₁ + (1 − w) x₂) = w log x₁ + (1 − w) log x₂",
            "It depends on whether x₁ < x₂.",
        ],
        0,
        [
            "The log is concave: its chords lie below its graph, so the log of the average is at least the average "
            "of the logs. That is the direction that makes L a *lower* bound.",
            "That is Jensen's inequality for a convex function (like x² or exp). The log bends the other way.",
            "Equality would mean the log is linear. It holds only when x₁ = x₂ (or w is 0 or 1); otherwise there "
            "is a strictly positive gap, the orange bar in the figure.",
            "The order of the points does not matter: the chord lies below the curve wherever the two points are.",
        ],
    ),
    ConceptQuestion(
        "For a fixed θ, when is the bound L(q, θ) equal to log p(X | θ)?",
        [
            "When q is uniform over the components, since then no component is preferred.",
            "When each q_n is one-hot on the component with the largest posterior probability.",
            "Exactly when every q_n equals the posterior p(z_n | x_n, θ), the responsibilities.",
            "Only once EM has converged.",
        ],
        2,
        [
            "A uniform q is just one distribution; its gap is KL(uniform ‖ posterior), which is positive unless the "
            "posterior happens to be uniform.",
            "That is the k-means (hard) choice. Its gap is −log of the largest posterior probability, positive "
            "whenever "
            "the point is shared, as border points are.",
            "log p = L + Σ KL(q_n ‖ posterior) and KL is zero only for equal distributions; the E-step sets q to "
            "exactly this, at every iteration.",
            "The gap closes after every E-step, at any θ, converged or not; the figure in section 6 shows it at "
            "each E.",
        ],
    ),
    ConceptQuestion(
        "EM never lowers the log-likelihood. What does that guarantee?",
        [
            "That EM finds the global maximum of the likelihood.",
            "That the log-likelihood values increase to a limit (they are bounded above for a fixed data set with "
            "covariances kept away from singular), typically a local maximum that depends on the start.",
            "That every parameter moves closer to its true value at every iteration.",
            "That the lower bound L equals the log-likelihood at every step.",
        ],
        1,
        [
            "Monotone means uphill, not the highest hill: the likelihood has several local maxima (swap the labels, "
            "or start badly), and EM climbs the one it starts on. Restarts help (lesson 07).",
            "A non-decreasing sequence bounded above converges. Where it ends depends on the start; that is why "
            "one runs several initialisations.",
            "The guarantee is about the likelihood, not the parameters: a step can move a mean away from the truth "
            "while the likelihood rises, and the truth need not even be the maximum for a finite sample.",
            "L equals log p only right after an E-step; after an M-step there is a KL gap (the orange bars above).",
        ],
    ),

)
