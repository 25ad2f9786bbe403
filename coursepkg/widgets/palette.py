"""The palette lab: a K slider, the quantised image beside the original, its palette and its PSNR.

Every palette is fitted before the lab is shown (`palette_table`): for each K of the slider, a k-means
palette and a GMM palette fitted on the same sample of pixels, every pixel assigned to its nearest
palette colour, and for the GMM also a dithered image whose indices are drawn from the responsibilities.
A redraw only swaps the arrays of two existing images (`AxesImage.set_data`) and moves one marker, so
it stays far below 100 ms for a 427 x 640 photograph.

State logic (pure, tested without a browser):

- `palette_table(image, ks, ...)`: the precomputed palettes, quantised images, PSNRs and bits per pixel;
- `palette_state(table, k, palette)`: what the lab shows for one K and one choice of palette;
- `status_line(state)`: the read-out below the figure.
"""

from dataclasses import dataclass

import numpy as np

from .. import quantise as q
from ._base import Lab, LabFigure

KS = (2, 4, 8, 16, 32, 64)
DPI = 100  # the lab figure's resolution: about one screen pixel per shown image pixel (see PaletteFigure)
MAX_ITER = {"kmeans": 100, "gmm": 40}  # the lesson's caps: Lloyd stops earlier by itself, EM is capped
CHOICES = {  # menu entry -> (method, dithered)
    "k-means, nearest colour": ("kmeans", False),
    "GMM, nearest colour": ("gmm", False),
    "GMM, sampled from r (dither)": ("gmm", True),
}
STYLE = {  # menu entry -> (colour, marker) of its curve
    "k-means, nearest colour": ("k", "o"),
    "GMM, nearest colour": ("tab:purple", "s"),
    "GMM, sampled from r (dither)": ("tab:orange", "^"),
}


@dataclass(frozen=True)
class PaletteTable:
    """Everything the lab can show, computed once.

    Attributes
    ----------
    original : uint8 array (H, W, 3)
    ks : tuple of int, the slider's K values, increasing
    colours : dict (choice, K) -> array (K, 3) in [0, 1], the palette
    images : dict (choice, K) -> uint8 array (H, W, 3), the quantised image
    psnr : dict (choice, K) -> float, dB against the original
    bpp : dict K -> float, bits per pixel of the palette image (`coursepkg.quantise.bits_per_pixel`)
    """

    original: np.ndarray
    ks: tuple
    colours: dict
    images: dict
    psnr: dict
    bpp: dict


def palette_table(image, ks=KS, n_sample=4000, rng=13, fits=None, max_iter=None):
    """Fit (or take) the palettes for every K and quantise the whole image with each.

    Parameters
    ----------
    image : uint8 array (H, W, 3)
    ks : increasing ints >= 1, the K values of the slider
    n_sample, rng : passed to `coursepkg.quantise.fit_palette` for a palette not in `fits`
    max_iter : int, or None for the lesson's caps (100 Lloyd updates, 40 EM iterations)
    fits : optional dict (method, K) -> PaletteFit already fitted (a lesson passes its own fits, so that
        the lab shows the palettes its figures discuss); method "kmeans" or "gmm"

    Returns
    -------
    PaletteTable
    """
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be a uint8 array of shape (height, width, 3); got {image.dtype} {image.shape}.")
    ks = tuple(int(k) for k in ks)
    if not ks or any(k < 1 for k in ks) or any(b <= a for a, b in zip(ks, ks[1:], strict=False)):
        raise ValueError(f"ks must be increasing positive integers; got {ks}.")
    fits = dict(fits or {})
    rng = np.random.default_rng(rng)
    X = q.image_points(image)
    colours, images, psnr = {}, {}, {}
    for k in ks:
        for method in q.METHODS:
            if (method, k) not in fits:
                cap = max_iter or MAX_ITER[method]
                fits[method, k] = q.fit_palette(X, k, method, n_sample=n_sample, rng=rng, max_iter=cap)
        for choice, (method, dithered) in CHOICES.items():
            fit = fits[method, k]
            labels = q.dithered_labels(X, fit.gmm, rng=rng) if dithered else q.nearest_colour(X, fit.colours)
            quantised = fit.colours[labels]
            colours[choice, k] = fit.colours
            images[choice, k] = np.round(quantised * 255).astype(np.uint8).reshape(image.shape)
            psnr[choice, k] = q.psnr(X, quantised)
    bpp = {k: q.bits_per_pixel(k, X.shape[0]) for k in ks}
    return PaletteTable(image, ks, colours, images, psnr, bpp)


def palette_state(table, k, palette="k-means, nearest colour"):
    """What the lab shows for `k` colours and the palette `palette` (a key of CHOICES).

    Returns
    -------
    dict with "k", "palette", "image" (uint8 (H, W, 3)), "colours" (K, 3), "psnr" (dB, against the
    original), "bpp" (bits per pixel) and "ratio" (24 / bpp, the compression against true colour)
    """
    if palette not in CHOICES:
        raise ValueError(f"palette must be one of {list(CHOICES)}; got {palette!r}.")
    if k not in table.ks:
        raise ValueError(f"k must be one of the precomputed {table.ks}; got {k!r}.")
    k = int(k)
    bpp = table.bpp[k]
    return {
        "k": k,
        "palette": palette,
        "image": table.images[palette, k],
        "colours": table.colours[palette, k],
        "psnr": table.psnr[palette, k],
        "bpp": bpp,
        "ratio": 24.0 / bpp,
    }


def status_line(state):
    """The read-out below the figure."""
    return (f"K = {state['k']} colours ({state['palette']}): PSNR {state['psnr']:.2f} dB at "
            f"{state['bpp']:.3f} bits per pixel, {state['ratio']:.1f} times smaller than 24-bit colour")


class PaletteFigure(LabFigure):
    """The original (left), the quantised image (middle), PSNR against bits per pixel (right), the palette below.

    Fixed: the original, the three PSNR curves, the axes. Dynamic: the quantised image and the palette strip
    (their arrays swapped with set_data) and the marker of the current K on the curves. Both images are shown
    at every `step`-th row and column (a view, no averaging) and drawn with interpolation="nearest", so every
    screen pixel of the quantised image is a palette colour and a dither's grain stays visible: at dpi 100 each
    image is about 330 screen pixels wide, close to one screen pixel per shown pixel (320 columns at step 2).
    The PSNR is always that of the full image.
    """

    def __init__(self, table, state, step=2):
        super().__init__(figsize=(10.5, 4.2), dpi=DPI)
        self.step = step
        grid = self.fig.add_gridspec(2, 3, width_ratios=[1, 1, 0.8], height_ratios=[1, 0.13])
        ax_orig = self.fig.add_subplot(grid[0, 0])
        ax_quant = self.fig.add_subplot(grid[0, 1])
        ax_curve = self.fig.add_subplot(grid[:, 2])
        ax_palette = self.fig.add_subplot(grid[1, :2])
        ax_orig.imshow(table.original[::step, ::step], interpolation="nearest")
        ax_orig.set_title("original (24 bits per pixel)", fontsize=11)
        self.quantised = self.dynamic(ax_quant.imshow(state["image"][::step, ::step], interpolation="nearest"))
        ax_quant.set_title("quantised (K colours)", fontsize=11)
        for ax in (ax_orig, ax_quant):
            ax.set_xticks([])
            ax.set_yticks([])
        k_max = max(table.ks)
        self.strip = self.dynamic(ax_palette.imshow(state["colours"][None], extent=(0, k_max, 0, 1),
                                                    aspect="auto", interpolation="nearest"))
        ax_palette.set_xlim(0, k_max)
        ax_palette.set_ylim(0, 1)
        ax_palette.set_yticks([])
        ax_palette.set_xticks([])
        ax_palette.set_xlabel("the palette: its K colours, in the order of their indices 0..K-1", fontsize=10)
        bpp = [table.bpp[k] for k in table.ks]
        for choice, (colour, marker) in STYLE.items():
            ax_curve.plot(bpp, [table.psnr[choice, k] for k in table.ks], color=colour, marker=marker, ms=5,
                          lw=1.5, label=choice)
        self.marker = self.dynamic(ax_curve.plot([], [], "o", ms=13, mfc="none", mec="tab:red", mew=2.2,
                                                 label="current")[0])
        ax_curve.set_xlabel("bits per pixel, fixed-length code")
        ax_curve.set_ylabel("PSNR (dB)")
        ax_curve.set_title("distortion against size", fontsize=11)
        ax_curve.grid(alpha=0.3)
        ax_curve.legend(loc="upper left", fontsize=8)

    def show(self, state):
        self.quantised.set_data(state["image"][::self.step, ::self.step])
        self.strip.set_data(state["colours"][None])
        self.marker.set_data([state["bpp"]], [state["psnr"]])


def make_palette_lab(image=None, table=None, k=8, palette="k-means, nearest colour"):
    """The palette lab: a K slider and a palette menu over a precomputed `PaletteTable`.

    Parameters
    ----------
    image : uint8 array (H, W, 3), default scikit-learn's china.jpg (used when `table` is None)
    table : PaletteTable, optional (a lesson passes the one it built, so nothing is fitted twice)
    k : int in table.ks, the first K shown
    palette : a key of CHOICES, the first palette shown

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` is the `palette_state` dict, `lab.table` the table and
    `lab.readout` the HTML line below the figure.
    """
    from html import escape

    import ipywidgets as widgets

    if table is None:
        if image is None:
            from sklearn.datasets import load_sample_image

            image = load_sample_image("china.jpg")
        table = palette_table(image)
    first = palette_state(table, k, palette)
    figure = PaletteFigure(table, first)
    readout = widgets.HTML()  # text drawn in the figure would cost a redraw of its axes

    def update(k, palette):
        state = palette_state(table, k, palette)
        figure.show(state)
        readout.value = escape(status_line(state), quote=False)
        return state

    slider = widgets.SelectionSlider(options=list(table.ks), value=k, description="K colours",
                                     continuous_update=True)
    menu = widgets.Dropdown(options=list(CHOICES), value=palette, description="palette",
                            layout=widgets.Layout(width="22em"))
    lab = Lab(figure, [{"k": slider, "palette": menu}], update,
              title="<b>palette lab</b>: move K and compare the quantised image, its palette and its PSNR "
                    "with the original; the circle marks the current choice on the curves.")
    lab.table = table
    lab.readout = readout
    lab.widget.children = (*lab.widget.children, readout)
    return lab
