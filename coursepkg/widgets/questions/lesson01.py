"""The concept questions of lesson 01."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Two k-means runs on the same data end with J = 80 for K = 3 clusters and J = 45 for K = 6. "
        "What do these two numbers tell you?",
        [
            "Six clusters fit the data better: a lower distortion J means a better clustering.",
            "The K = 3 run must have started badly, or it too would have reached a J near 45.",
            "K = 6 overfits the data, so the true number of clusters must be the smaller K = 3.",
            "Nothing about K: the best J drops as K grows, whatever groups the data has.",
        ],
        3,
        [
            "Extra centres lower J whether or not the data has more groups (section 4): at K = N every point "
            "is its own centre and J = 0, which is no clustering at all. J cannot compare different K.",
            "A bad start gives a worse J for the same K (section 6), but here K differs: even the best "
            "3-cluster answer has a higher J than a good 6-cluster one, because J falls with K.",
            "It may be true that three groups are real, but these two numbers cannot show it: J would fall "
            "from K = 3 to K = 6 in both cases, so they carry no evidence either way.",
            "Right: the best J with K + 1 centres is never above the best with K (add a centre on any point), "
            "so J always prefers more clusters. Choosing K needs another score, such as the likelihood of "
            "held-out data under a probabilistic model (lesson 09).",
        ],
    ),
    ConceptQuestion(
        "A fitted mixture gives point x_n the responsibilities r_n1 = 0.6 and r_n2 = 0.4. When the fit "
        "recomputes the mean of cluster 1, what part does x_n play?",
        [
            "It joins cluster 1 as a full member, since 0.6 is the larger of its two weights.",
            "It adds 0.6 x_n to cluster 1's weighted sum of points and 0.6 to its count N_1.",
            "It is left out of both clusters until its weights come closer to 0 or to 1.",
            "It adds 0.6 − 0.4 = 0.2 to cluster 1's count, the margin by which cluster 1 wins.",
        ],
        1,
        [
            "That is the hard assignment of k-means: rounding 0.6 up to 1 throws away the 0.4 that says the "
            "point may well belong to cluster 2, and lets a border point pull cluster 1 as hard as a point "
            "at its centre.",
            "Right: 0.6 is the probability that cluster 1 made x_n, and in the fit the same number is a "
            "fractional count. Cluster 1's mean is sum_n r_n1 x_n / N_1 with N_1 = sum_n r_n1, so x_n enters "
            "with weight 0.6, and cluster 2's mean with weight 0.4 (section 7).",
            "Uncertain points are not discarded: they are exactly the ones that tell the fit where the "
            "clusters overlap. Every point enters every cluster, weighted by its responsibility.",
            "The weights are shares of one point, not a score to subtract: 0.6 goes to cluster 1 and 0.4 "
            "to cluster 2, and the two shares add up to the whole point.",
        ],
    ),
    ConceptQuestion(
        "Predict before you use the lab: with 'equal round clusters' (centres 4 apart, Σ = I, equal weights), "
        "set the slider '1 → 2' to 0.6 with no sideways offset. What will the two bars show for cluster 2?",
        [
            "hard 100%; soft 60%, since the point has gone 60% of the way to centre 2",
            "hard 60%; soft 60%, since both bars follow where the point is on the segment",
            "hard 100%; soft about 83%, the logistic curve of section 8 at t = 0.6",
            "hard 100%; soft 50%, since the point lies inside both clusters' 95% circles",
        ],
        2,
        [
            "The soft weight is not the position: section 8 showed r_n2 = 1 / (1 + exp(−16 (t − 1/2))) here, "
            "which is 0.83 at t = 0.6 (and 0.5 only at t = 0.5). The curve is steep near the border and flat "
            "near the centres, not a straight line.",
            "The hard bar is always all or nothing: k-means puts the point wholly in the nearer cluster, which "
            "at t = 0.6 is cluster 2 (it is 1.6 from centre 2 and 2.4 from centre 1).",
            "Right: the point is past the midpoint, so k-means puts it wholly in cluster 2, while the mixture "
            "gives 1 / (1 + exp(−16 × 0.1)) = 0.83. Check it with the slider.",
            "Being inside both 95% circles does not make the weights equal: the weights compare the two "
            "densities at the point, and at t = 0.6 the density of cluster 2 is exp(1.6) ≈ 5 times that of "
            "cluster 1, so r_n2 = 5 / 6 ≈ 0.83.",
        ],
        prediction=True,
    ),
)
