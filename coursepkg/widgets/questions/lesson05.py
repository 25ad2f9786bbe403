"""The concept questions of lesson 05."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Prediction, before you run the next cell: it takes four points of a three-component mixture in "
        "d = 50 dimensions (one of them halfway between two components), with features in metres, and applies "
        "Bayes' rule as written (each density first, then normalise). What will it return?",
        [
            "nan in every row: fifty-dimensional densities are too small for float64.",
            "1/3 in every entry: such tiny densities carry no information about the labels.",
            "The correct responsibilities: the densities are tiny but still representable.",
            "0 in every entry: the densities underflow, and their ratios underflow with them.",
        ],
        2,
        [
            "Fifty dimensions make densities small, around 10⁻³⁰ here, but float64 reaches down to about 10⁻³⁰⁸. "
            "The naive formula fails only when every density of a point falls below that, which takes far more "
            "dimensions (about 500 with unit variances) or a change of units.",
            "Responsibilities are ratios of densities, so how small the densities are says nothing about how "
            "the point is shared: a point can be tiny in density and still certain in its label.",
            "Each density is small but is an ordinary float64 number, so the ratios come out right; the cell "
            "checks them against scipy's log-space computation. The trouble starts only when densities leave "
            "float64's normal range (below about 10⁻³⁰⁸).",
            "When densities underflow they become exactly 0.0, and 0/0 is nan, not 0. And a row of "
            "responsibilities always sums to 1, so it can never be all zeros.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Prediction, before you use the lab: move the point to (1, 3.5), 1.3 below the centre of the long "
        "green component 3, which is its nearest centre. What will the bars show?",
        [
            "Component 1 takes almost all of it, as it lies far across green's thin axis.",
            "Components 1 and 3 share it about evenly, as it lies between their ellipses.",
            "Component 3 takes almost all of it, as its centre is by far the nearest.",
            "Component 2 takes a visible share, as the tight red component is the tallest.",
        ],
        0,
        [
            "1.3 units across the green ellipse is about 4 of its narrow standard deviations (Mahalanobis 4.1), "
            "while the wide blue component, centre 3.6 away, has a standard deviation of 2: r₁ ≈ 0.99.",
            "An even split would need the two densities to be about equal. The wide blue component's density "
            "barely changes over this distance, while the green one has already fallen by a factor of thousands.",
            "Nearest in Euclidean distance, yes (1.3 against 3.6 for the blue centre). But across its short axis "
            "the green component has a standard deviation of only 0.3, so the point is about 4 of its standard "
            "deviations out, and its density there is tiny.",
            "Being tall only helps near its centre. The red component is 3.9 away with a standard deviation of "
            "0.39, ten of its standard deviations: its share is zero to three decimals.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Two components have equal weights and round covariances in 2-D, a tight one (σ = 0.5) and a wide "
        "one (σ = 3), with centres 2 apart. A point is at the same Euclidean distance from both centres. "
        "Which gets the larger responsibility?",
        [
            "Neither: at equal distances the two responsibilities are equal.",
            "The wide one, at every such point: its density reaches further out.",
            "The tight one, at every such point: its density peak is much higher.",
            "It depends on the distance: the tight one near, the wide one far.",
        ],
        3,
        [
            "That is the k-means rule. The E-step compares densities, and at the same distance a tight and a wide "
            "Gaussian have different densities: their heights and their decay rates differ.",
            "Far away the wide one does win, because its density decays slowly. But a point equidistant from "
            "centres 2 apart can be as close as 1 to both, and there the taller tight Gaussian wins.",
            "Near the centres yes, because the tight Gaussian is taller. But its log-density falls like "
            "−dist²/(2 · 0.25), much faster than the wide one's, so far out the wide one wins.",
            "a_k = log π_k − ½ log|2πΣ_k| − ½ dist²/σ_k²: the tight component has the larger constant but the "
            "steeper quadratic penalty, so the winner changes at one distance (about 1.36 here, which equidistant "
            "points reach since they are at least 1 from both centres; the cell below finds it).",
        ],
    ),
    ConceptQuestion(
        "Prediction, before you look at the next figure: two components in 2-D with different covariance "
        "matrices. What shape is the set of points where r₁ = r₂ = 1/2?",
        [
            "The straight perpendicular bisector of the two means, as in k-means.",
            "A conic (an ellipse, parabola or hyperbola).",
            "A straight line, but moved towards the tighter component.",
            "A circle around the tighter component, whatever the covariances.",
        ],
        1,
        [
            "That is k-means' border, from comparing plain squared distances with equal weights. The mixture "
            "compares Mahalanobis distances, log-volumes and weights, so its border bends.",
            "r₁ = r₂ means a₁(x) = a₂(x), and each a_k contains −½ (x − μ_k)ᵀ Σ_k⁻¹ (x − μ_k). With different Σ_k "
            "the x-squared terms do not cancel, so the border is the zero set of a quadratic: a conic.",
            "Weights and sizes do shift the border, but a straight line needs the quadratic terms to cancel, "
            "which happens only when the two covariances are equal (panel b).",
            "A circle needs Σ₂⁻¹ − Σ₁⁻¹ to be a multiple of the identity, as when both components are round. "
            "In general the island is an ellipse (panel a), and the border can even be a hyperbola.",
        ],
        prediction=True,
    ),
)
