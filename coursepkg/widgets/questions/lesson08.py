"""The concept questions of lesson 08.

Every number a question quotes is asserted in notebooks/08_kmeans_limit.py: lambda_max = 3.6 and
beta_c = 0.28 (section 5), the distinct centres of the beta lab at beta = 0.2 (section 7), the parameter
counts 6 and 17 (section 9), and the accuracies of the compare lab (section 9).
"""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "You hold parts of a Gaussian mixture fixed so that its E-step becomes a softmax of −β/2 times the squared "
        "distances to the means. What must be held fixed?",
        [
            "Every weight fixed at 1/K and every covariance fixed at I/β, neither re-fitted.",
            "Diagonal covariances re-fitted at each step, and hard assignments in the E-step.",
            "One shared covariance matrix, re-fitted from all the data, and equal weights.",
            "Fewer components than clusters, and a start from the k-means centres.",
        ],
        0,
        [
            "With equal weights and equal round covariances the factor π_k (β/2π)^(d/2) is the same for every "
            "component and cancels in Bayes' rule; only the squared distances are left, in a softmax of "
            "−β/2 ‖x − μ_k‖². Letting β → ∞ then gives k-means itself.",
            "Diagonal covariances still let each component stretch along the axes, so the distances are not plain "
            "Euclidean ones; and hard assignments are what the limit β → ∞ produces, not one of the restrictions "
            "that give soft k-means.",
            "A shared, re-fitted covariance turns the distances into Mahalanobis distances under that shared shape: "
            "the boundaries are straight but tilted to it, and the shape is learned. Soft k-means freezes the "
            "shape at a round I/β.",
            "Where EM starts and how many components it has do not change what each step computes: the E- and "
            "M-steps would still use learned weights and full covariances.",
        ],
    ),
    ConceptQuestion(
        "Before you drag the beta lab's slider: it anneals from β = 0.01 upwards, warm-starting each β from the "
        "one before. The three clusters are about 4 units apart, and the largest eigenvalue of the data "
        "covariance is λ_max = 3.6. How many distinct centres will the lab show at β = 0.2, where 1/√β = 2.2?",
        [
            "Three: the length scale 2.2 is below the 4 units between clusters, so each centre finds its own.",
            "Two: the merged centre splits first along the data's widest direction, which 2.2 already resolves.",
            "It depends on the start: annealing keeps whatever separation the k-means++ centres began with.",
            "One: 0.2 is below β_c = 1/λ_max ≈ 0.28, so the single centre at the data mean is still stable.",
        ],
        3,
        [
            "This compares the length scale with the wrong distance. Near the merged state one iteration shrinks "
            "the spread of the centres along each eigenvector of the data covariance by the factor β λ_i, however "
            "far apart the clusters are; what counts is the data's spread along its widest direction, "
            "√λ_max = 1.9, and 2.2 is larger. The lab shows one centre until just above β = 0.28.",
            "The split along the widest direction does come first, but only once β λ_max > 1, that is above "
            "β = 0.28, where 1/√β has fallen below √λ_max = 1.9. At β = 0.2, β λ_max = 0.72 and the merged "
            "centre is still stable.",
            "Annealing does not remember the start. At β = 0.01 every point's responsibilities are nearly equal, "
            "so the first iterations pull all centres onto the data mean; after that, each iteration multiplies "
            "what is left of their spread by β S (S the data covariance), whose eigenvalues stay below 1 up to "
            "β_c. By β = 0.2 the start is forgotten.",
            "One soft k-means iteration near the merged state multiplies the spread of the centres by β S, S the "
            "data covariance; at β = 0.2 its largest eigenvalue is 0.2 × 3.6 = 0.72 < 1, so every spread dies out "
            "and all centres sit on the data mean. They split just above β_c ≈ 0.28.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "In the compare lab, keep the start seed at 0, pick the overlapping data (300 points from three heavily overlapping clusters) and "
        "press Run until both panels say converged. Which panel will show the higher fraction correctly "
        "clustered?",
        [
            "EM, clearly: full covariances can mimic k-means' round clusters and more, so EM cannot do worse.",
            "k-means: the mixture's extra parameters chase quirks of this sample, not the true clusters.",
            "Neither: on overlapping data both end with the same boundaries, so the fractions are equal.",
            "EM, but only by a little: its soft responsibilities settle the points on the borders better.",
        ],
        1,
        [
            "Being able to represent k-means' answer does not make EM find a better clustering: it maximises the "
            "likelihood, not the accuracy. The mixture has 17 parameters against k-means' 6; on these "
            "300 overlapping points its maximum-likelihood fit beats even the true mixture's log-likelihood by more "
            "than 10 nats, yet it clusters only 74% of the points correctly against k-means' 83%. More parameters "
            "need more data, cost more per iteration, and can collapse onto a few points.",
            "Here k-means wins, 83% against EM's 74%. EM's fit has a higher likelihood than the true mixture on "
            "these points, but it spreads one wide component over parts of two true ones. With few points and heavy "
            "overlap the simpler model can be the better clusterer.",
            "The boundaries differ: k-means' are straight bisectors between centres, EM's are curves set by the "
            "fitted covariances and weights. Different boundaries put different points in each cluster, and here "
            "the two fractions differ by about nine percentage points.",
            "Soft responsibilities do not improve the final labels by themselves: a point's label is still its most "
            "responsible component, and what decides it is where the fitted components sit. Here EM places them "
            "worse than k-means places its centres, and it loses, 74% against 83%.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "On three long, thin, parallel clusters, k-means keeps cutting across them, however many restarts it "
        "gets. Why?",
        [
            "It needs still more restarts on elongated data; sooner or later a start finds the true clusters.",
            "The clusters are not linearly separable, and k-means can only draw straight boundaries.",
            "Cutting across the strips gives a lower J than following them, so k-means is doing its job.",
            "The features are on different scales; after standardising, k-means would follow the strips.",
        ],
        2,
        [
            "Restarts find the lowest J, and on this data the lowest J cuts across the clusters: the problem is the "
            "objective, not the search.",
            "Parallel strips are linearly separable: straight lines between them work. k-means' boundaries are "
            "straight too, but it places them to minimise J, which here prefers other lines.",
            "k-means minimises J = Σ ‖x − μ‖², the hard-assignment likelihood of equal round Gaussians. Compact "
            "pieces have smaller squared distances than long strips, so the true clustering has the higher J; EM "
            "with full covariances models the stretch instead (in the compare lab, 65% against 99.7%).",
            "Standardising rescales each axis, but the clusters stay long and thin compared with the gaps between "
            "them; the round-cluster assumption is still wrong, so J still prefers cutting across.",
        ],
    ),
)
