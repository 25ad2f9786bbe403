"""The concept questions of lesson 02."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "In a Gaussian mixture model, what is the latent variable z of a point?",
        [
            "The index of the component that generated the point — part of the story, never observed.",
            "The point's distance to the nearest mean.",
            "The mixing weight π of the point's cluster.",
            "A random noise term added to the point after it is drawn.",
        ],
        0,
        [
            "z is the outcome of the die roll in step 1. The data give us x only; inferring z from x is the E-step "
            "of lesson 05.",
            "Distances are computed from x and the parameters; they are not part of the story. Mixing up the "
            "label with a distance is the k-means view, which lesson 01 showed loses shape and size.",
            "π is a parameter shared by all points: the probability of each label, not the label itself.",
            "The Gaussian noise is inside step 2, x ~ N(μ_z, Σ_z); z decides *which* Gaussian that noise comes from.",
        ],
    ),
    ConceptQuestion(
        "Data lie along a curved, banana-shaped band. Can a Gaussian mixture model them?",
        [
            "No: each component is an ellipse, so a mixture can only describe blob-shaped clusters.",
            "Yes: with enough components the ellipses tile the band, and the held-out likelihood shows the fit "
            "improving.",
            "Only if the band is first straightened by a change of coordinates.",
            "Yes, but only with a single component with a very large covariance.",
        ],
        1,
        [
            "Each component is an ellipse, but the mixture's density is their weighted sum, which can take almost "
            "any shape (section 8). One blob per cluster is the K = 1 intuition.",
            "Mixtures of Gaussians approximate a wide class of densities; section 8 fitted a crescent with K = 10.",
            "No transformation is needed: the components bend the density by overlapping along the curve.",
            "One wide Gaussian covers the band and its empty inside alike — section 8's K = 1 fit had the lowest "
            "held-out score.",
        ],
    ),
    ConceptQuestion(
        "For a 2-D Gaussian, which Mahalanobis radius r gives the ellipse that holds 95% of the points?",
        [
            "r = 1.96, as for a 95% interval in one dimension.",
            "r = 2 √λ₁, twice the longest standard deviation.",
            "r = √(χ²₂ quantile at 0.95) ≈ 2.45, because Δ² is a sum of two squared standard normals.",
            "It depends on Σ, so there is no single r.",
        ],
        2,
        [
            "1.96 is the 95% quantile of |N(0, 1)|, one squared normal. In 2-D, Δ² adds two of them, so the point "
            "is more often far out and the radius must be larger: only about 85% of points fall within Δ ≤ 1.96.",
            "The ellipse's half-axes are r√λᵢ, one per eigenvalue; r itself is the same for every Gaussian in 2-D.",
            "Δ² follows the chi-square law with d = 2 degrees of freedom for every Σ (section 4), so r = 2.45.",
            "Σ sets the shape and size of the ellipse (axes r√λᵢ along the eigenvectors), but r depends only on the "
            "probability and the dimension.",
        ],
    ),

)
