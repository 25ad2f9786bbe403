"""The concept questions of lesson 02."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "A student draws the ellipse Δ(x) = 1.96 around a 2-D Gaussian, reusing the 95% radius of one "
        "dimension. About what share of the Gaussian's points does that ellipse hold?",
        [
            "about 85%: Δ² adds two squared normals, so points land far out more often",
            "95%, as in 1-D: Δ counts standard deviations alike in every dimension",
            "about 90%, that is 0.95², since each of the two axes holds 95% of its points",
            "it depends on Σ: a thin, tilted ellipse holds a different share than a round one",
        ],
        0,
        [
            "Right: Δ² = e₁² + e₂² is a sum of two squared standard normals, a χ² variable with 2 degrees of "
            "freedom, whatever Σ is (section 5), so P(Δ ≤ r) = 1 − exp(−r²/2), and 1 − exp(−1.96²/2) ≈ 85%. "
            "A 95% ellipse needs r = √(−2 ln 0.05) ≈ 2.45.",
            "1.96 is right for one squared normal. In 2-D, Δ² adds two of them, so a point is far out more "
            "often: the ellipse Δ ≤ 1.96 holds only 1 − exp(−1.96²/2) ≈ 85% of the points, and 95% needs "
            "r ≈ 2.45.",
            "0.95² ≈ 90% is the share of the square |e₁| ≤ 1.96, |e₂| ≤ 1.96 in the whitened coordinates, "
            "where e₁ and e₂ are independent. The ellipse Δ ≤ 1.96 is the circle inside that square and "
            "misses its corners, so it holds less: about 85%.",
            "Σ sets the shape and size of the ellipse (half-axes r√λᵢ along the eigenvectors), but after "
            "rotating and rescaling every Gaussian becomes the standard one, so the share inside "
            "Δ ≤ 1.96 depends only on the radius and the dimension d.",
        ],
    ),
    ConceptQuestion(
        "A three-component mixture made the point x_n by the two-step story, and x_n lies where the ellipses "
        "of components 1 and 2 overlap. What can you say about its label z_n?",
        [
            "z_n is a blend such as 0.6 of component 1 and 0.4 of component 2, since both made the point.",
            "z_n is the component whose mean is nearer to x_n, as in the assign step of k-means.",
            "z_n is the weight π_k of its component, a number the same for all of that component's points.",
            "z_n is one definite component k: a single one made x_n, we only do not see which.",
        ],
        3,
        [
            "That blend is a belief about z_n (the responsibilities of lesson 01), not the label itself. In "
            "the story one draw of z_n picks a single component, and that one alone makes the point.",
            "The story picks z_n first, with probabilities π, and only then draws x_n; the point can land "
            "nearer to another mean, especially when its component is wide. Nearest mean is a guess at z_n, "
            "not its definition.",
            "π_k is a parameter of the whole mixture: the probability that the first step picks k. The label "
            "is what that step picked for this one point.",
            "Right: z_n is a definite value that is latent, part of the story but missing from the data. It "
            "is most likely 1 or 2 here, though with three components even 3 is possible. "
            "What we can compute is the probability of each value given x_n, which lesson 05 derives.",
        ],
    ),
    ConceptQuestion(
        "Data lie along a curved, banana-shaped band. Can a Gaussian mixture model their density?",
        [
            "No: each component is an ellipse, so the mixture's contours are ellipses too.",
            "Yes: enough components placed along the band add up to a curved density.",
            "Only once the band has been straightened by a change of coordinates.",
            "Yes, with one component whose covariance is wide enough to cover the band.",
        ],
        1,
        [
            "The contours of one component are ellipses, but the mixture's density is a sum, and the level "
            "sets of a sum of overlapping bumps bend and merge (section 8). Nothing restricts them to ellipses.",
            "Right: in section 9 the held-out score rose from K = 1 to K = 3 to K = 10 as the components lined "
            "up along the crescent; more bumps follow the curve more closely.",
            "No transformation is needed: the components follow the bend themselves, each covering a short, "
            "nearly straight piece of the band.",
            "One wide Gaussian spreads its density over the empty inside of the band as much as over the band "
            "itself: in section 9 the K = 1 fit had by far the lowest held-out score.",
        ],
    ),
    ConceptQuestion(
        "Predict before you use the lab: it starts with N = 400 points and weights π = (0.5, 0.3, 0.2). About "
        "how many points of component 3 will lie outside component 3's own 95% ellipse?",
        [
            "about 20, because 5% of the 400 points fall outside an ellipse",
            "none, because the ellipse is drawn around that component's points",
            "about 4, because 5% of its roughly 80 points fall outside",
            "well over 4, because the ellipse of component 3 is small and thin",
        ],
        2,
        [
            "The 5% is per component: each ellipse leaves out 5% of its own points. Component 3 has about "
            "Nπ₃ = 80 of the 400, so about 4 of them, not 20, lie outside.",
            "The ellipse is not fitted around the points: it is the set Δ ≤ 2.45 of the Gaussian itself, and "
            "5% of the points it generates land beyond it (section 5).",
            "Right: component 3 gets about Nπ₃ = 80 points, and 5% of them, about 4, fall outside its 95% "
            "ellipse. Both numbers are random: the lab's counts move around them as you resample.",
            "Shape does not matter: after rotating and rescaling, every Gaussian is the standard one, so any "
            "95% ellipse, round or thin, leaves out 5% of its points on average.",
        ],
        prediction=True,
    ),
)
