"""The concept questions of lesson 08."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Which two restrictions turn EM for a Gaussian mixture into (soft) k-means with stiffness β?",
        [
            "Diagonal covariances and hard assignments.",
            "All weights equal to 1/K and all covariances fixed at I/β (not re-fitted).",
            "All covariances equal to each other (a shared, re-fitted Σ) and equal weights.",
            "Fewer components and a k-means start.",
        ],
        1,
        [
            "Diagonal covariances still let each component stretch along the axes, and hard assignments are "
            "what you get in the limit β → ∞, not a restriction you impose on the mixture.",
            "Equal weights and equal round covariances make the factor π_k (β/2π)^(d/2) the same for every "
            "component, so it cancels and only squared distances remain. β → ∞ then gives k-means.",
            "A shared full covariance makes the distances Mahalanobis distances, not Euclidean ones: the "
            "boundaries are still straight but tilted to the shared shape. That is not k-means.",
            "Starting EM from k-means centres changes where EM starts, not what it computes: the E- and M-steps "
            "still use weights and full covariances.",
        ],
    ),
    ConceptQuestion(
        "You run soft k-means with β = 0.01 on data whose clusters are about 4 units apart, and all centres end "
        "up at the same point. What happened?",
        [
            "A bug: soft k-means should always separate the centres.",
            "A bad start: restarting with other seeds will separate them.",
            "The length scale 1/√β = 10 is larger than the data, so every point is shared equally and every "
            "centre moves to the data mean; β is below 1/λ_max, where the merged centre is stable.",
            "The algorithm has not converged yet; more iterations will separate them.",
        ],
        2,
        [
            "It is the correct fixed point for that β: equal centres give equal responsibilities, whose "
            "weighted mean is the data mean. Soft k-means only separates centres when β is large enough.",
            "Below the critical β the merged state is the only stable fixed point, so every start ends there. "
            "Only raising β helps.",
            "β sets the length scale over which a centre sees points. When it is far larger than the spread of "
            "the data, the clusters are invisible; above β = 1/λ_max the centres split (annealing).",
            "More iterations move the centres closer to the mean, not away from it: the merged state is where "
            "the iteration converges for this β.",
        ],
    ),
    ConceptQuestion(
        "On three long, thin, parallel clusters, k-means keeps cutting across them even with many restarts. Why?",
        [
            "k-means needs more restarts on elongated data; eventually one finds the right clusters.",
            "k-means minimises J = Σ‖x − μ‖², which favours compact round pieces; cutting across the long clusters "
            "gives a lower J than following them, so it is the answer k-means is looking for.",
            "k-means cannot find clusters that are not linearly separable.",
            "The data should be standardised first; then k-means finds them.",
        ],
        1,
        [
            "Restarts find the lowest J, and on this data the lowest J cuts across the clusters: the "
            "problem is the objective, not the search.",
            "k-means is the β → ∞ limit of a mixture of equal round Gaussians. When the true clusters are not "
            "round, the best J is not the true clustering; EM with full covariances models the stretch instead.",
            "Parallel strips are linearly separable (straight lines between them work). k-means' boundaries "
            "are straight too, but it chooses them to minimise J, which here prefers other lines.",
            "Standardising rescales each axis, but the clusters stay elongated and tilted relative to each other; "
            "the round-cluster assumption is still wrong.",
        ],
    ),

)
