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
            "Only that six centres lie nearer the points than three, as they would on any data.",
        ],
        3,
        [
            "Extra centres lower J whether or not the data has more groups (section 4): at K = N every point "
            "is its own centre and J = 0, which is no clustering at all. J cannot compare different K.",
            "A bad start gives a worse J for the same K (section 6), but here K differs: the best J with six "
            "centres is never above the best with three, so a lower J at K = 6 is what good starts "
            "give. It says nothing about how the K = 3 run began.",
            "It may be true that three groups are real, but these two numbers cannot show it: J would fall "
            "from K = 3 to K = 6 in both cases, so they carry no evidence either way.",
            "Right: the best J with K + 1 centres is never above the best with K (add a centre on any point), "
            "so J always prefers more clusters, real groups or not. Choosing K needs another score, such as "
            "the likelihood of held-out data under a probabilistic model (lesson 09).",
        ],
    ),
    ConceptQuestion(
        "A fitted mixture gives point x_n the responsibilities r_n1 = 0.6 and r_n2 = 0.4. When the fit "
        "recomputes the mean of cluster 1, what part does x_n play?",
        [
            "It counts as one whole point of cluster 1, since 0.6 is the larger of its two weights.",
            "It counts as 0.6 of a point for cluster 1's mean and as 0.4 of a point for cluster 2's.",
            "It is left out of both means until its weights come closer to 0 or to 1.",
            "Its weight makes no difference, since the fit rounds every weight to 0 or 1 at the end.",
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
            "The fit never rounds: at every step cluster 1's mean is sum_n r_n1 x_n / N_1, so x_n pulls it "
            "with 0.6, and the next responsibilities depend on that mean. A hard label read off at the end, "
            "for a report, changes nothing that came before it.",
        ],
    ),
    ConceptQuestion(
        "Predict before you use the lab: with 'equal round clusters' (centres 4 apart, Σ = I, equal weights), "
        "set the slider '1 → 2' to 0.6 with no sideways offset. What will the two bars show for cluster 2?",
        [
            "hard 100%; soft 60%, since the point has gone 60% of the way to centre 2",
            "hard 60%; soft 60%, since both bars just follow where the point is on the segment",
            "hard 100%; soft about 83%, as cluster 2's density there is 5 times cluster 1's",
            "hard 100%; soft 50%, since the point lies inside both clusters' 95% circles",
        ],
        2,
        [
            "The soft weight is not the position: section 9 showed r_n2 = 1 / (1 + exp(−16 (t − 1/2))) here, "
            "which is 0.83 at t = 0.6 (and 0.5 only at t = 0.5). The curve is steep near the border and flat "
            "near the centres, not a straight line.",
            "The hard bar is always all or nothing: k-means puts the point wholly in the nearer cluster, which "
            "at t = 0.6 is cluster 2 (it is 1.6 from centre 2 and 2.4 from centre 1).",
            "Right: the point is past the midpoint, so k-means puts it wholly in cluster 2, while the mixture "
            "compares the densities: cluster 2's is exp(16 × 0.1) = exp(1.6) ≈ 5 times cluster 1's there, "
            "so r_n2 = 1 / (1 + exp(−1.6)) ≈ 0.83. Check it with the slider.",
            "Being inside both 95% circles does not make the weights equal: the weights compare the two "
            "densities at the point, and at t = 0.6 the density of cluster 2 is exp(1.6) ≈ 5 times that of "
            "cluster 1, so r_n2 = 5 / 6 ≈ 0.83.",
        ],
        prediction=True,
    ),
)
