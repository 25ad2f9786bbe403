"""The prototype lab: step EM for a mixture of Bernoullis on binarised digits and watch the prototypes form.

A mixture of Bernoullis (lesson 11, `coursepkg.bernoulli`) gives each component k a *prototype*
mu_k in [0, 1]^64: for each of the 64 pixels of an 8x8 image, the probability that the pixel is on.
Drawn as a grey-level image it looks like a blurred digit. EM starts from blurred mixes of a few
seed images and the mean image; each M-step averages the images each component is responsible for.

State logic (pure, tested without a browser):

- `initial_state(X, k, seed, prior, labels)`: the start (`bernoulli.initial_mixture`), no responsibilities yet;
- `advance(state, "E" | "M" | "EM")`: one E-step, one M-step, or one full iteration (an E-step when the
  last step was not one, then an M-step); the input is never modified;
- `run(state, steps)`: `steps` full iterations (stops at MAX_STEPS M-steps, the end of the curve's axis);
- `purity(resp, labels)`: the share of images whose cluster's most common digit is their own digit;
- `status_line(state)`: the read-out below the figure.

- `display_order(state)`, `counts(state)`, `gains(state)`: what the figure shows (slots numbered by weight,
  heaviest first; N_k of the last E-step; the gain of each M-step).

The widget (`make_prototype_lab`) wires a K slider, a seed slider, a prior menu and the buttons
"E-step", "M-step", "EM step", "10 EM steps" and "Reset" to them. Its figure keeps one background
(the image row has MAX_K slots whatever K is: unused ones are hidden), so every redraw only sets the
images' data, the bars, the curves and a few labels.
"""

from dataclasses import dataclass, replace

import numpy as np
from matplotlib.patches import Rectangle

from .. import bernoulli
from ..plotting import component_colors
from ._base import Lab, LabFigure

MIN_K, MAX_K = 2, 10
SEED_MAX = 9
MAX_STEPS = 100  # M-steps the curve's axis shows; the buttons stop there
PRIORS = {"Beta(2, 2): Laplace smoothing": (2.0, 2.0), "none: maximum likelihood": None}


@dataclass(frozen=True)
class PrototypeState:
    """Where a hand-stepped EM run on binary images stands.

    Attributes
    ----------
    X : array (n, d) of 0s and 1s
    labels : int array (n,) of the true digits, or None
    mixture : BernoulliMixture, the current parameters
    posterior : array (n, k), the responsibilities under `mixture` (what the next E-step shows)
    resp : array (n, k) from the last E-step, or None before the first
    e_steps, m_steps : int
    history : tuple of float, the objective log p(X | theta) + log p(theta) at the start and after every M-step
        (with no prior, the log-likelihood)
    log_likelihood : float, log p(X | mixture)
    prior : (alpha, beta), (1.0, 1.0) for maximum likelihood
    last : "start", "E" or "M"
    message : str, what the last step did
    """

    X: np.ndarray
    labels: np.ndarray | None
    mixture: bernoulli.BernoulliMixture
    posterior: np.ndarray
    resp: np.ndarray | None
    e_steps: int
    m_steps: int
    history: tuple
    log_likelihood: float
    prior: tuple
    last: str
    message: str

    @property
    def objective(self):
        return self.history[-1]

    @property
    def next_step(self):
        return "M" if self.last == "E" else "E"


def _prior_pair(prior):
    return (1.0, 1.0) if prior is None else bernoulli.check_beta_prior(*prior)


def initial_state(X, k, seed=0, prior=bernoulli.DEFAULT_PRIOR, labels=None):
    """The state before any step: `bernoulli.initial_mixture(X, k, rng=seed)`, no responsibilities yet.

    Parameters
    ----------
    X : array (n, d) of 0s and 1s
    k : int, 1 <= k <= n
    seed : int, the seed of the k-means++ choice of starting images
    prior : (alpha, beta) of the Beta prior on every pixel probability, or None (maximum likelihood)
    labels : int array (n,) of true classes (for the purity in the read-out), or None
    """
    X = bernoulli.check_binary_data(X)
    alpha, beta = _prior_pair(prior)
    mixture = bernoulli.initial_mixture(X, k, rng=seed)
    posterior, ll = bernoulli.e_step(X, mixture)
    objective = ll + bernoulli.log_prior(mixture, alpha, beta)
    return PrototypeState(
        X=X, labels=None if labels is None else np.asarray(labels), mixture=mixture, posterior=posterior,
        resp=None, e_steps=0, m_steps=0, history=(objective,), log_likelihood=ll, prior=(alpha, beta),
        last="start", message="Start: each prototype is a blurred mix of one image and the mean image. "
                              "Press E-step (or EM step).",
    )


def _e(state):
    if state.last == "E":
        return replace(state, message="E-step again: the parameters have not moved, so nothing changes. Press M-step.")
    resp = state.posterior
    if state.resp is None:
        message = "E-step: every image now has responsibilities for the K components."
    else:
        message = f"E-step: responsibilities updated (largest change {np.abs(resp - state.resp).max():.3f})."
    return replace(state, resp=resp, e_steps=state.e_steps + 1, last="E", message=message)


def _m(state):
    if state.resp is None:
        return replace(state, message="M-step needs responsibilities: press E-step first.")
    if state.last == "M":
        return replace(state, message="M-step again: the responsibilities have not moved, so nothing changes. "
                                      "Press E-step.")
    if state.m_steps >= MAX_STEPS:
        return replace(state, message=f"The curve ends at {MAX_STEPS} M-steps: press Reset to start again.")
    alpha, beta = state.prior
    mixture = bernoulli.m_step(state.X, state.resp, alpha, beta)
    posterior, ll = bernoulli.e_step(state.X, mixture)
    objective = ll + bernoulli.log_prior(mixture, alpha, beta)
    gain = (objective - state.objective) / state.X.shape[0]
    what = "log posterior" if state.prior != (1.0, 1.0) else "log-likelihood"
    return replace(
        state, mixture=mixture, posterior=posterior, m_steps=state.m_steps + 1, history=state.history + (objective,),
        log_likelihood=ll, last="M",
        message=f"M-step: each prototype is now the weighted average of its images; {what} {gain:+.4f} nats per image.",
    )


def advance(state, step):
    """The state after one "E"-step, one "M"-step or one full "EM" iteration; `state` is not modified.

    E: the responsibilities become the posterior under the current parameters (again right after an
    E-step: nothing changes). M: the parameters become the M-step's, with the run's prior (before any
    E-step, right after an M-step, or at MAX_STEPS: nothing changes). EM: an E-step unless the last step
    was one, then an M-step.
    """
    if step == "E":
        return _e(state)
    if step == "M":
        return _m(state)
    if step == "EM":
        if state.m_steps >= MAX_STEPS:  # no E-step either: the run is over
            return replace(state, message=f"The curve ends at {MAX_STEPS} M-steps: press Reset to start again.")
        return _m(state if state.last == "E" else _e(state))
    raise ValueError(f'step must be "E", "M" or "EM"; got {step!r}.')


def run(state, steps):
    """`steps` full EM iterations from `state` (fewer if MAX_STEPS M-steps are reached)."""
    for _ in range(steps):
        if state.m_steps >= MAX_STEPS:
            break
        state = advance(state, "EM")
    return state


def purity(resp, labels):
    """Share of the images whose cluster (largest responsibility) has their digit as its most common one.

    sum over clusters of (count of the cluster's most common label) / n: 1 when every cluster holds one
    digit only; about the share of the most common digit when the clusters ignore the digits.
    """
    resp, labels = np.asarray(resp), np.asarray(labels)
    clusters = np.argmax(resp, axis=1)
    return float(sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters)) / labels.size)


def display_order(state):
    """Component indices, heaviest weight first: slot j of the figure shows component order[j] as "j + 1"
    (the numbering of the lesson's prototype figure)."""
    return np.argsort(-state.mixture.weights, kind="stable")


def counts(state):
    """N_k = sum_n r_nk from the last E-step (zeros before the first): what an E-step changes."""
    if state.resp is None:
        return np.zeros(state.mixture.k)
    return state.resp.sum(axis=0)


def gains(state):
    """The objective's gain at each M-step, per image (nats), array of len(history) - 1."""
    return np.diff(np.asarray(state.history)) / state.X.shape[0]


def status_line(state):
    """The read-out below the figure: counts, the objective, the purity, and what the last step did."""
    n = state.X.shape[0]
    name = "log posterior" if state.prior != (1.0, 1.0) else "log-likelihood"
    parts = [
        f"E-steps {state.e_steps}, M-steps {state.m_steps} (next: {state.next_step}-step)",
        f"{name} per image {state.objective / n:.4f} nats",
    ]
    if state.prior != (1.0, 1.0):
        parts.append(f"log-likelihood per image {state.log_likelihood / n:.4f}")
    if state.labels is not None and state.resp is not None:
        parts.append(f"purity against the digit labels {purity(state.resp, state.labels):.3f}")
    stuck = int(np.sum((state.mixture.probs == 0) | (state.mixture.probs == 1)))
    parts.append(f"pixel probabilities at exactly 0 or 1: {stuck}")
    return " · ".join(parts) + ". " + state.message


def curve_limits(X, prior=bernoulli.DEFAULT_PRIOR, ks=(MIN_K, MAX_K), seed=0, pad=0.08):
    """Fixed y-limits (per image, nats) for the objective curve: from the lowest start to the best end.

    The starts of every K in `ks` and the converged end of the largest, for `seed`, widened by `pad` of
    the range on each side.
    """
    alpha, beta = _prior_pair(prior)
    n = X.shape[0]
    starts = [initial_state(X, k, seed, prior).objective / n for k in range(ks[0], ks[1] + 1)]
    end = bernoulli.fit_bernoulli_em(X, ks[1], max_iter=300, rng=seed, prior=(alpha, beta)).objective / n
    lo, hi = min(starts), end
    margin = pad * (hi - lo)
    return lo - margin, hi + margin


GAIN_FLOOR = 1e-8  # nats per image: smaller gains (and rounding-level ones) sit on the floor of the log axis


class PrototypeFigure(LabFigure):
    """A row of MAX_K prototype images (8x8, ink dark, framed), under each a bar of its expected count N_k from
    the last E-step, a colour bar, the objective per image against M-steps, and the gain per M-step on a log axis.

    Slots are numbered by weight, heaviest first (as the lesson's prototype figure). Everything that changes is
    dynamic: the images (`AxesImage.set_data`), their labels, the bars, the two curves. K smaller than MAX_K hides
    the unused slots, so one background serves every K, seed and prior.
    """

    def __init__(self, ylim, n, shape=(8, 8)):
        super().__init__(figsize=(10.5, 5.6), dpi=80)
        self.shape, self.n = shape, n
        grid = self.fig.add_gridspec(3, 1, height_ratios=[1.0, 0.45, 1.5])
        row = grid[0].subgridspec(1, MAX_K)
        bottom = grid[2].subgridspec(1, 3, width_ratios=[3, 2, 0.08])
        self.images, self.labels, self.bars, self.frames = [], [], [], []
        blank = np.zeros(shape)
        for j in range(MAX_K):
            ax = self.fig.add_subplot(row[0, j])
            ax.set_axis_off()  # the frame is a dynamic patch, hidden with an unused slot
            self.images.append(ax.imshow(blank, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"))
            self.frames.append(ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, lw=1,
                                                      edgecolor="black", clip_on=False)))
            self.labels.append(ax.text(0.5, 1.04, "", transform=ax.transAxes, ha="center", va="bottom", fontsize=9))
        bax = self.fig.add_subplot(grid[1])
        self.bars = list(bax.bar(np.arange(MAX_K), np.zeros(MAX_K), width=0.6))
        bax.set_xlim(-0.5, MAX_K - 0.5)
        bax.set_ylim(0, 0.7 * n)
        bax.set_xticks([])
        bax.set_ylabel("$N_k$", fontsize=9)
        bax.tick_params(labelsize=7)
        bax.set_title("expected count $N_k = \\sum_n r_{nk}$ from the last E-step (what an E-step changes)",
                      fontsize=9)
        self.images, self.labels = self.dynamic(self.images), self.dynamic(self.labels)
        self.frames = self.dynamic(self.frames)
        self.bars = self.dynamic(self.bars)  # no number on each bar: ten more texts would cost ~8 ms a redraw
        cax = self.fig.add_subplot(bottom[0, 2])
        colorbar = self.fig.colorbar(self.images[0], cax=cax, orientation="vertical")
        colorbar.set_label("probability that the pixel is on, $\\mu_{kj}$", fontsize=9)
        cax.tick_params(labelsize=8)
        ax = self.fig.add_subplot(bottom[0, 0])
        ax.set_xlim(-1, MAX_STEPS + 1)
        ax.set_ylim(*ylim)
        ax.set_xlabel("M-steps taken")
        ax.set_ylabel("objective per image (nats)")
        ax.set_title("log p(X | θ) + log p(θ), over N (no prior: log-likelihood)", fontsize=9)
        ax.grid(alpha=0.3)
        self.curve = self.dynamic(ax.plot([], [], color="black", lw=1.5, marker="o", ms=2.5)[0])
        self.now = self.dynamic(ax.plot([], [], "o", color="#ff7f0e", ms=7, mec="black")[0])
        gax = self.fig.add_subplot(bottom[0, 1])
        gax.set_xlim(0, MAX_STEPS + 1)
        gax.set_yscale("log")
        gax.set_ylim(GAIN_FLOOR / 2, 30)
        gax.set_xlabel("M-step")
        gax.set_ylabel("gain (nats per image)")
        gax.set_title("gain of each M-step, log scale", fontsize=9)
        gax.grid(alpha=0.3, which="major")
        self.gain = self.dynamic(gax.plot([], [], color="black", lw=1.2, marker="o", ms=2.5)[0])

    def show(self, state):
        k = state.mixture.k
        rgb = component_colors(k)
        prototypes = state.mixture.prototypes(self.shape)
        order = display_order(state)
        nk = counts(state)
        for j in range(MAX_K):
            visible = j < k
            for artist in (self.images[j], self.frames[j], self.labels[j], self.bars[j]):
                artist.set_visible(visible)
            if visible:
                c = order[j]
                self.images[j].set_data(prototypes[c])
                self.labels[j].set_text(f"{j + 1}: π = {state.mixture.weights[c]:.2f}")
                self.labels[j].set_color(rgb[j])
                self.bars[j].set_height(nk[c])
                self.bars[j].set_color(rgb[j])
        values = np.asarray(state.history) / self.n
        self.curve.set_data(np.arange(values.size), values)
        self.now.set_data([values.size - 1], [values[-1]])
        g = np.maximum(gains(state), GAIN_FLOOR)
        self.gain.set_data(np.arange(1, g.size + 1), g)


def make_prototype_lab(X=None, labels=None, k=10, seed=0, prior="Beta(2, 2): Laplace smoothing"):
    """The prototype lab on the binarised digits (default `bernoulli.load_binary_digits()`).

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` is the current `PrototypeState`, `lab.readout` the HTML
    line below the figure.
    """
    from html import escape

    import ipywidgets as widgets

    if X is None:
        X, labels = bernoulli.load_binary_digits()
    X = bernoulli.check_binary_data(X)
    if prior not in PRIORS:
        raise ValueError(f"prior must be one of {list(PRIORS)}; got {prior!r}.")
    ylim = curve_limits(X)
    figure = PrototypeFigure(ylim, X.shape[0])
    readout = widgets.HTML()
    holder = {"key": None, "state": None}

    def restart(k, seed, prior):
        holder["key"] = (k, seed, prior)
        holder["state"] = initial_state(X, k, seed, PRIORS[prior], labels)

    def update(k, seed, prior):
        if holder["key"] != (k, seed, prior):
            restart(k, seed, prior)
        state = holder["state"]
        figure.show(state)
        readout.value = escape(status_line(state), quote=False)
        return state

    def press(step, times=1):
        def action():
            state = holder["state"]
            holder["state"] = advance(state, step) if times == 1 else run(state, times)

        return action

    def reset():
        restart(*holder["key"])

    controls = {
        "k": widgets.IntSlider(value=k, min=MIN_K, max=MAX_K, description="K"),
        "seed": widgets.IntSlider(value=seed, min=0, max=SEED_MAX, description="seed"),
        "prior": widgets.Dropdown(options=list(PRIORS), value=prior, description="prior"),
    }
    lab = Lab(
        figure, [controls], update,
        buttons={"E-step": press("E"), "M-step": press("M"), "EM step": press("EM"), "10 EM steps": press("EM", 10),
                 "Reset": reset},
        title="<b>prototype lab</b>: step EM and watch the K prototypes (pixel probabilities) turn into digits.",
    )
    lab.readout = readout
    lab.widget.children = (*lab.widget.children, readout)
    return lab
