"""The concept questions of lesson 08.

Every number a question quotes is asserted in notebooks/08_kmeans_limit.py: the weight-shifted border
ln(pi_1/pi_2)/(beta D) (section 11), lambda_max = 3.60, lambda_2 = 2.91, the widest direction (-0.23, 0.97)
and beta_c = 0.28 (section 8), the distance of about 4 between the clusters (section 5), the x_2 direction
of the lab's first split and 1/lambda_2 = 0.34 (section 9), and the fractions correctly clustered, the 0.56 weight, the true
mixture's 85%, the J difference of about 580 and the 70% after standardising (section 13).
"""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Keep every covariance at I/β, but let the weights differ, say π = (0.6, 0.3, 0.1), and hold the centres "
        "fixed. As β → ∞, what does the responsibility row of a point become (a point not exactly as near to "
        "two centres)?",
        [
            "The weights (0.6, 0.3, 0.1) for points far from every centre, where only the prior is left.",
            "One-hot on the nearest centre, with every border moved a fixed distance towards the lighter centre.",
            "One-hot on the nearest centre: the weights move each border by an amount that dies out.",
            "Soft along every border: the weights keep a shared band there whose width no β removes.",
        ],
        2,
        [
            "Far from every centre the densities are all tiny, but a responsibility is a ratio: r_j / r_k = "
            "(π_j / π_k) e^(−β(‖x − μ_j‖² − ‖x − μ_k‖²)/2). The weight ratio is a fixed number, while the exponent "
            "grows with β for every point not equally near both centres, so the prior is swamped. Only as β → 0 "
            "do the responsibilities approach the weights.",
            "The border does move towards the lighter centre, but not by a fixed amount: r_1 = r_2 where "
            "β D t = −ln(π_1/π_2), t the signed distance from the bisector and D the distance between the "
            "centres. The shift ln(π_1/π_2)/(β D) shrinks like 1/β and is gone in the limit.",
            "log r_j − log r_k = ln(π_j / π_k) − β(‖x − μ_j‖² − ‖x − μ_k‖²)/2: the first term stays fixed, the "
            "second grows without bound. Each border sits ln(π_j/π_k)/(β D) from the bisector, which tends to 0. "
            "In the limit the weights drop out and the E-step is nearest centre, as in k-means: equal weights "
            "matter only at finite β.",
            "With weights the share of the pair is σ(β D t + ln(π_1/π_2)): the weights shift the band, they do "
            "not widen it. Its width, 2 ln 9/(β D), shrinks like 1/β whatever the weights, so no band survives "
            "the limit.",
        ],
    ),
    ConceptQuestion(
        "Before the next cell anneals and you drag the beta lab's slider: the data covariance has eigenvalues λ_1 = 3.60 and λ_2 = 2.91, "
        "its widest direction is (−0.23, 0.97), and the clusters are about 4 units apart. Where will the "
        "bifurcation plot show the merged centre split first?",
        [
            "Just above β = 0.28, in the x₂ panel: one centre rises while two sink together.",
            "Just above β = 0.28, in the x₁ panel, along which two of the clusters lie furthest apart.",
            "Near β = 0.34 = 1/λ₂, in both panels, once every direction of spread has begun to grow.",
            "Near β = 0.06, where 1/√β = 4 matches the distance between the clusters, in both panels.",
        ],
        0,
        [
            "Near the merged state one iteration multiplies the spread of the centres by β S (S the data "
            "covariance): along its top eigenvector by β λ_1, which passes 1 at β_c = 1/3.60 = 0.28. That "
            "eigenvector, (−0.23, 0.97), is nearly the x₂ axis: in the lab one centre rises and two sink "
            "together in x₂, and only a step later does the pair part in x₁.",
            "The split follows the data covariance, not the gap between two particular clusters: the direction "
            "that grows first is the eigenvector of the largest eigenvalue. Taken together, the three clusters "
            "(one above, two below) spread more along (−0.23, 0.97), nearly x₂, than across it.",
            "The split needs only one growing direction, not all of them. Each eigenvector has its own factor "
            "β λ_i, and β λ_1 passes 1 first, at β_c = 1/3.60 = 0.28; along the other, β λ_2 ≈ 0.81 there, so "
            "that part still shrinks. By β = 0.34 the centres have long split, along (−0.23, 0.97).",
            "This reads 1/√β as a reach. What decides the split is whether β λ_1 exceeds 1, that is whether "
            "1/√β has fallen below √λ_1 = 1.90, the data's spread along its widest direction; the distance "
            "between clusters does not enter. At β = 0.06 the centres are still one.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "In the compare lab, leave the seed at 1, choose the overlapping data and press Run until both read-outs "
        "say converged. Which method will put more points in their true cluster?",
        [
            "EM, clearly: full covariances can mimic k-means' round clusters and more, so EM cannot do worse.",
            "k-means: the best-fitting mixture for these points sits away from the true components.",
            "Neither: on overlapping data both end with the same boundaries, so the fractions are equal.",
            "EM, but only by a little: its soft responsibilities settle the points on the borders better.",
        ],
        1,
        [
            "Being able to represent k-means' answer does not make EM's answer a better clustering: EM climbs the "
            "likelihood, not the fraction correct. Here the top of the likelihood (reached from the lab's start "
            "and also from the true mixture itself) labels 74% of the points correctly; k-means gets 83%.",
            "83% for k-means against 74% for EM, and EM is not stuck on a poor local maximum: started at the true "
            "mixture it climbs to the same fit. That fit has a component of weight 0.56 spread over parts of two "
            "true ones; labelling by it is worse than by the true mixture (85%) or by k-means.",
            "The boundaries differ: k-means' are straight bisectors between centres, EM's are curves set by the "
            "fitted covariances and weights. Different boundaries put different points in each cluster, and here "
            "the two fractions differ by about nine percentage points.",
            "Soft responsibilities do not improve the final labels by themselves: a point's label is still its "
            "most responsible component, and what decides it is where the fitted components sit. Here EM places "
            "them worse than k-means places its centres: 74% against 83%.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "On three long, thin, parallel clusters, k-means keeps cutting across them, however many restarts it "
        "gets. Why?",
        [
            "It needs still more restarts on elongated data; sooner or later a start finds the true clusters.",
            "The clusters are not linearly separable, and k-means can only draw straight boundaries.",
            "The features are on different scales; after standardising, k-means would follow the strips.",
            "Cutting across the strips gives a lower J than following them: k-means does its job.",
        ],
        3,
        [
            "Restarts find the lowest J, and on this data the lowest J cuts across the clusters: the true "
            "clustering's J is higher by about 580 than the best of 10 runs. The problem is the objective, not "
            "the search.",
            "Parallel strips are linearly separable: straight lines between them work. k-means' boundaries are "
            "straight too, but it places them to minimise J, which here prefers other lines.",
            "Standardising rescales each axis, but the clusters stay long and thin compared with the gaps between "
            "them; the round-cluster assumption is still wrong, and J still prefers cutting across (at most 70% "
            "correct after standardising).",
            "k-means minimises J = Σ ‖x_n − μ_{z_n}‖², which is −2/β times the complete-data log-likelihood of "
            "equal round Gaussians with hard assignments, plus a constant. Compact pieces have smaller squared "
            "distances than long strips, so the true clustering has the higher J; EM with full covariances "
            "models the stretch instead (63% against 99.7% in the compare lab).",
        ],
    ),
)
