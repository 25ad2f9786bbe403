"""The concept questions of lesson 05."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Two components have equal weights and round covariances, a tight one (σ = 0.5) and a wide one "
        "(σ = 3). A point is at the same Euclidean distance from both centres. Which gets the larger responsibility?",
        [
            "Neither: equal distances give equal responsibilities.",
            "Always the wide one.",
            "Always the tight one.",
            "The tight one if the point is close to both centres, the wide one if it is far from both.",
        ],
        3,
        [
            "That is the k-means rule. The E-step compares densities, and at the same distance a tight and a wide "
            "Gaussian have different densities: their heights and their decay rates differ.",
            "Far away the wide one does win, because its density decays slowly. But near the centres the tight "
            "Gaussian is much taller (its -½ log|2πΣ| term is larger), so it wins there.",
            "Near the centres yes, because the tight Gaussian is taller. But its density decays like "
            "exp(-dist²/(2·0.25)), much faster than the wide one's, so far out the wide one wins.",
            "a_k = log π_k − ½ log|2πΣ_k| − ½ dist²/σ_k²: the tight component has the larger constant but the "
            "steeper quadratic penalty, so the winner changes at one distance (about 1.36 in 2-D).",
        ],
    ),
    ConceptQuestion(
        "Why does em.e_step work with log-densities and the log-sum-exp trick?",
        [
            "Because logarithms make the computation faster.",
            "Because densities in many dimensions can underflow to 0.0, which makes every term of Bayes' rule "
            "0 and the responsibilities 0/0 = nan; shifting by the largest log term keeps the largest "
            "exponential at 1.",
            "Because the log-space formula gives a different, more accurate posterior than Bayes' rule.",
            "Because responsibilities can be negative, and logs handle signs better.",
        ],
        1,
        [
            "Speed is not the reason; the log-space version even calls exp and log more often. It is about what "
            "float64 can represent.",
            "The mathematics is unchanged: log r_k = a_k − (m + log Σ_j exp(a_j − m)). Only the order of operations "
            "changes, so that nothing underflows to 0 or overflows to inf before the ratio is taken.",
            "It is the same posterior, exactly. m + log Σ exp(a_j − m) equals log Σ exp(a_j) in exact arithmetic; "
            "the trick only avoids computing numbers float64 cannot hold.",
            "Responsibilities are probabilities, between 0 and 1. It is the log-densities a_k that are negative "
            "(often hugely so), and that is fine in log space.",
        ],
    ),
    ConceptQuestion(
        "All 50 features of a data set are converted from metres to micrometres (× 10⁶), and the mixture's "
        "means and covariances are converted with them. What happens to the exact responsibilities?",
        [
            "They are unchanged.",
            "They become less certain, because every density is smaller.",
            "They become nan.",
            "They move towards the nearest centre, because distances are now larger.",
        ],
        0,
        [
            "Every density is divided by the same factor (10⁶)⁵⁰ and the Mahalanobis distances do not change; "
            "the common factor cancels between numerator and denominator of Bayes' rule.",
            "Responsibilities depend on ratios of densities, not on their size. A factor common to every "
            "component cancels.",
            "Only a naive float64 implementation returns nan, because it computes each density first and they "
            "underflow to 0.0. The responsibilities themselves are well defined; log-sum-exp computes them.",
            "Distances in metres and micrometres differ by the same factor as the covariances' square roots, "
            "so the Mahalanobis distances, which decide the responsibilities, are unchanged.",
        ],
    ),

)
