"""The seven figures of the notes' demo script, written as PNG files with matplotlib (Agg).

``write_all(out_dir)`` draws: cross-entropy vs probability, a perplexity comparison, a 4-panel
KL analysis, a 9-panel activation overview, an activation comparison, gradient flow through
the chain rule, and a 3-panel loss landscape. Everything is computed with numpy here (no
torch); matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from quizzer.errors import QuizzerError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ProgressCallback = Callable[[int, int, Path], None]


class PlotsUnavailable(QuizzerError):
    """matplotlib is not installed (it comes with the ``demos`` extra)."""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise PlotsUnavailable(
            "matplotlib is not installed, so the figures cannot be drawn; install it with: "
            "pip install 'quizzer[demos]'"
        ) from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _phi(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


ACTIVATIONS: dict[
    str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]
]
ACTIVATIONS = {
    "ReLU": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(float)),
    "Leaky ReLU (0.1)": (lambda x: np.where(x > 0, x, 0.1 * x), lambda x: np.where(x > 0, 1, 0.1)),
    "GELU": (
        lambda x: x * _phi(x),
        lambda x: _phi(x) + x * np.exp(-(x**2) / 2) / math.sqrt(2 * math.pi),
    ),
    "SiLU": (lambda x: x * _sigmoid(x), lambda x: _sigmoid(x) * (1 + x * (1 - _sigmoid(x)))),
    "Sigmoid": (_sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x))),
    "Tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
}
"""Each activation and its closed-form derivative (numpy)."""


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))


def _softmax(z: np.ndarray, t: float = 1.0) -> np.ndarray:
    e = np.exp((z - z.max()) / t)
    return e / e.sum()


def cross_entropy_figure() -> Figure:
    """Loss -ln(p) against the probability of the correct token, and its gradients."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    p = np.linspace(0.005, 1, 400)
    left.plot(p, -np.log(p), lw=2, label="−ln p (nats)")
    left.plot(p, -np.log2(p), lw=1, ls="--", label="−log₂ p (bits)")
    for x in (0.9, 0.7, 0.3, 0.01):
        left.annotate(
            f"p={x}: {-math.log(x):.3f}",
            (x, -math.log(x)),
            xytext=(8, 8),
            textcoords="offset points",
            fontsize=9,
        )
        left.plot([x], [-math.log(x)], "o", color="C3")
    left.set(
        xlabel="probability of the correct token",
        ylabel="loss",
        ylim=(0, 6),
        title="Cross-entropy: confident and wrong is punished",
    )
    left.legend()
    right.plot(p, -1 / p, lw=2, label="dL/dp = −1/p")
    right.plot(p, p - 1, lw=2, label="dL/dz_correct = p − 1")
    right.set(
        xlabel="p",
        ylabel="gradient",
        ylim=(-10, 0.5),
        title="Gradient: unbounded in p, bounded in the logit",
    )
    right.legend()
    fig.tight_layout()
    return fig


def perplexity_figure() -> Figure:
    """Perplexity of good, mediocre and random models, and perplexity against confidence."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    vocab = 1000
    models = {"good": 0.6, "mediocre": 0.1, "random": 1 / vocab}
    rng = np.random.default_rng(0)
    ppl = []
    for mean_p in models.values():
        probs = np.clip(rng.normal(mean_p, mean_p / 4, size=500), 1 / vocab, 1)
        ppl.append(float(np.exp(-np.mean(np.log(probs)))))
    bars = left.bar(list(models), ppl, color=["C2", "C1", "C3"])
    left.bar_label(bars, fmt="%.1f")
    left.set(
        yscale="log",
        ylabel="perplexity (log scale)",
        title=f"Perplexity on 500 tokens, vocabulary {vocab}",
    )
    loss = np.linspace(0, 7, 300)
    right.plot(loss, np.exp(loss), lw=2)
    for p in (0.5, 0.1, 0.01):
        right.plot([-math.log(p)], [1 / p], "o", color="C3")
        right.annotate(
            f"p = {p}: PPL {1 / p:g}",
            (-math.log(p), 1 / p),
            xytext=(6, -12),
            textcoords="offset points",
            fontsize=9,
        )
    right.set(
        yscale="log",
        xlabel="cross-entropy loss (nats)",
        ylabel="perplexity = e^loss",
        title="PPL = number of equally likely choices",
    )
    fig.tight_layout()
    return fig


def kl_figure() -> Figure:
    """Four panels: two distributions, asymmetry, distillation temperature, KL landscape."""
    plt = _pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    p, q = np.array([0.7, 0.2, 0.1]), np.array([0.4, 0.4, 0.2])
    x = np.arange(3)
    axes[0, 0].bar(x - 0.2, p, 0.4, label="P")
    axes[0, 0].bar(x + 0.2, q, 0.4, label="Q")
    axes[0, 0].set(xticks=x, title=f"KL(P‖Q) = {_kl(p, q):.3f}, KL(Q‖P) = {_kl(q, p):.3f}")
    axes[0, 0].legend()

    qs = np.linspace(0.01, 0.99, 300)
    p0 = 0.3
    forward = [_kl(np.array([p0, 1 - p0]), np.array([v, 1 - v])) for v in qs]
    reverse = [_kl(np.array([v, 1 - v]), np.array([p0, 1 - p0])) for v in qs]
    axes[0, 1].plot(qs, forward, label="KL(P‖Q)")
    axes[0, 1].plot(qs, reverse, label="KL(Q‖P)")
    axes[0, 1].set(
        xlabel="q (Bernoulli Q)",
        ylabel="nats",
        ylim=(0, 3),
        title=f"Asymmetry, P = Bernoulli({p0})",
    )
    axes[0, 1].legend()

    teacher = np.array([4.0, 2.5, 1.0, 0.0, -1.0])
    for t in (1, 2, 4):
        axes[1, 0].plot(_softmax(teacher, t), "o-", label=f"T = {t}")
    axes[1, 0].set(
        xlabel="class",
        ylabel="teacher probability",
        title="Distillation: temperature softens the teacher",
    )
    axes[1, 0].legend()

    grid = np.linspace(0.02, 0.98, 120)
    pp, qq = np.meshgrid(grid, grid)
    kl = pp * np.log(pp / qq) + (1 - pp) * np.log((1 - pp) / (1 - qq))
    image = axes[1, 1].contourf(pp, qq, kl, levels=30, cmap="viridis")
    fig.colorbar(image, ax=axes[1, 1], label="KL(P‖Q)")
    axes[1, 1].plot(grid, grid, "w--", lw=1)
    axes[1, 1].set(xlabel="p", ylabel="q", title="KL landscape: zero only on p = q")
    fig.tight_layout()
    return fig


def activations_figure() -> Figure:
    """Nine panels: three rows of functions, derivatives and properties."""
    plt = _pyplot()
    fig, axes = plt.subplots(3, 3, figsize=(15, 12))
    x = np.linspace(-4, 4, 400)
    groups = (("ReLU", "Leaky ReLU (0.1)"), ("GELU", "SiLU"), ("Sigmoid", "Tanh"))
    for col, names in enumerate(groups):
        for name in names:
            fn, deriv = ACTIVATIONS[name]
            axes[0, col].plot(x, fn(x), lw=2, label=name)
            axes[1, col].plot(x, deriv(x), lw=2, label=f"{name}'")
        axes[0, col].set(title=" vs ".join(names), xlabel="x")
        axes[1, col].set(title="derivatives", xlabel="x")
        for row in (0, 1):
            axes[row, col].axhline(0, color="gray", lw=0.5)
            axes[row, col].axvline(0, color="gray", lw=0.5)
            axes[row, col].legend()

    depth = np.arange(1, 21)
    for name in ("Sigmoid", "Tanh", "GELU", "ReLU"):
        best = float(np.max(ACTIVATIONS[name][1](x)))
        axes[2, 0].semilogy(depth, best**depth, label=f"{name}: max f' = {best:.2f}")
    axes[2, 0].set(title="Best-case gradient through n layers", xlabel="layers")
    axes[2, 0].legend(fontsize=8)

    z = np.random.default_rng(0).normal(size=100_000)
    for name in ("ReLU", "GELU", "SiLU"):
        axes[2, 1].hist(
            ACTIVATIONS[name][0](z),
            bins=120,
            range=(-0.5, 3),
            alpha=0.5,
            label=f"{name}: {np.mean(ACTIVATIONS[name][0](z) == 0):.0%} exactly 0",
        )
    axes[2, 1].set(title="Outputs on N(0, 1) inputs (sparsity)", yscale="log")
    axes[2, 1].legend(fontsize=8)

    axes[2, 2].axis("off")
    rows = [
        ["ReLU", "max(0, x)", "sparse", "early nets"],
        ["GELU", "x·Φ(x)", "smooth", "BERT, GPT-2"],
        ["SiLU", "x·σ(x)", "self-gated", "LLaMA"],
        ["Sigmoid", "1/(1+e⁻ˣ)", "f' ≤ 0.25", "gates"],
    ]
    table = axes[2, 2].table(
        cellText=rows,
        colLabels=["name", "f(x)", "property", "used in"],
        loc="center",
        colWidths=[0.2, 0.26, 0.24, 0.3],
    )
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.6)
    axes[2, 2].set_title("Properties and use")
    fig.tight_layout()
    return fig


def activation_comparison_figure() -> Figure:
    """All activations on one axis, and their derivatives side by side."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    x = np.linspace(-4, 4, 400)
    for name, (fn, deriv) in ACTIVATIONS.items():
        left.plot(x, fn(x), lw=2, label=name)
        right.plot(x, deriv(x), lw=2, label=name)
    left.set(title="Activation functions", xlabel="x", ylim=(-1.5, 4))
    right.set(title="Derivatives", xlabel="x", ylim=(-0.2, 1.3))
    for ax in (left, right):
        ax.axhline(0, color="gray", lw=0.5)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _gradient_norms(activation: str, depth: int, residual: bool, seed: int = 0) -> np.ndarray:
    """|dL/dh| at every layer of a deep MLP, backpropagated by hand with the chain rule."""
    rng = np.random.default_rng(seed)
    fn, deriv = ACTIVATIONS[activation]
    width = 64
    gain = math.sqrt(2.0) if activation == "ReLU" else 1.0
    weights = [rng.normal(0, gain / math.sqrt(width), (width, width)) for _ in range(depth)]
    h, pre = rng.normal(size=width), []
    for w in weights:
        z = w @ h
        pre.append(z)
        h = h + fn(z) if residual else fn(z)
    grad, norms = np.ones(width) / math.sqrt(width), []
    for w, z in zip(reversed(weights), reversed(pre), strict=True):
        through = w.T @ (grad * deriv(z))  # chain rule: dL/dh_in = W^T (dL/dh_out * f'(z))
        grad = grad + through if residual else through
        norms.append(float(np.linalg.norm(grad)))
    return np.array(norms[::-1])


def chain_rule_figure() -> Figure:
    """Gradient norm per layer for sigmoid, tanh, ReLU and a residual network."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    depth = 30
    layers = np.arange(1, depth + 1)
    for name in ("Sigmoid", "Tanh", "ReLU"):
        left.semilogy(layers, _gradient_norms(name, depth, residual=False), "o-", ms=3, label=name)
    left.semilogy(
        layers, _gradient_norms("Tanh", depth, residual=True), "o-", ms=3, label="Tanh + residual"
    )
    left.set(
        xlabel="layer (1 = input side)",
        ylabel="‖dL/dh‖",
        title=f"Gradient flow back through {depth} layers",
    )
    left.legend()
    depths = np.arange(2, 41, 2)
    for name, residual in (("Sigmoid", False), ("Tanh", False), ("ReLU", False), ("Tanh", True)):
        first = [_gradient_norms(name, int(d), residual=residual)[0] for d in depths]
        right.semilogy(depths, first, "o-", ms=3, label=name + (" + residual" if residual else ""))
    right.set(
        xlabel="network depth",
        ylabel="‖dL/dh‖ at the first layer",
        title="The product of local derivatives over depth",
    )
    right.legend()
    fig.tight_layout()
    return fig


def _landscape(w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    return 0.5 * (3 * w1**2 + 0.5 * w2**2) + 0.3 * np.sin(2 * w1) * np.cos(2 * w2)


def _landscape_grad(w: np.ndarray) -> np.ndarray:
    w1, w2 = w
    return np.array(
        [
            3 * w1 + 0.6 * np.cos(2 * w1) * np.cos(2 * w2),
            0.5 * w2 - 0.6 * np.sin(2 * w1) * np.sin(2 * w2),
        ]
    )


def loss_landscape_figure() -> Figure:
    """2D contour with gradient-descent paths, 3D surface, and loss against step."""
    plt = _pyplot()
    fig = plt.figure(figsize=(16, 5))
    contour = fig.add_subplot(1, 3, 1)
    surface = fig.add_subplot(1, 3, 2, projection="3d")
    curve = fig.add_subplot(1, 3, 3)
    grid = np.linspace(-3, 3, 150)
    w1, w2 = np.meshgrid(grid, grid)
    loss = _landscape(w1, w2)
    contour.contourf(w1, w2, loss, levels=40, cmap="viridis")
    surface.plot_surface(w1, w2, loss, cmap="viridis", linewidth=0, alpha=0.9)
    for lr, color in ((0.05, "white"), (0.3, "orange"), (0.62, "red")):
        w, path = np.array([2.5, 2.5]), []
        for _ in range(60):
            path.append(w.copy())
            w = w - lr * _landscape_grad(w)
        path_arr = np.array(path)
        values = _landscape(path_arr[:, 0], path_arr[:, 1])
        contour.plot(path_arr[:, 0], path_arr[:, 1], "o-", ms=2, color=color, label=f"lr {lr}")
        surface.plot(path_arr[:, 0], path_arr[:, 1], values, color=color, lw=2)
        curve.semilogy(
            values - loss.min() + 1e-3, color=color if color != "white" else "C0", label=f"lr {lr}"
        )
    contour.set(
        xlabel="w₁",
        ylabel="w₂",
        title="Gradient descent on the contour",
        xlim=(-3, 3),
        ylim=(-3, 3),
    )
    contour.legend(fontsize=8)
    surface.set(xlabel="w₁", ylabel="w₂", title="Loss surface")
    curve.set(
        xlabel="step", ylabel="loss − min (log)", title="Convergence (lr > 2/λ_max oscillates)"
    )
    curve.legend()
    fig.tight_layout()
    return fig


FIGURES: dict[str, Callable[[], Figure]] = {
    "01_cross_entropy_behavior.png": cross_entropy_figure,
    "02_perplexity_comparison.png": perplexity_figure,
    "03_kl_divergence_analysis.png": kl_figure,
    "04_activation_functions_comprehensive.png": activations_figure,
    "05_activation_comparison.png": activation_comparison_figure,
    "06_chain_rule_backpropagation.png": chain_rule_figure,
    "07_loss_landscape.png": loss_landscape_figure,
}
"""File name of each figure and the function that draws it."""


def write_all(out_dir: Path, on_progress: ProgressCallback | None = None) -> list[Path]:
    """Draw the seven figures into ``out_dir`` (created if needed) and return their paths.

    ``on_progress(done, total, path)`` is called after each file is written."""
    plt = _pyplot()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for done, (name, draw) in enumerate(FIGURES.items(), start=1):
        fig = draw()
        path = out_dir / name
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
        if on_progress is not None:
            on_progress(done, len(FIGURES), path)
    return written
