"""Small text plots for the terminal, drawn with braille dots (2 x 4 dots per character).

``terminal_plot(name, width, height)`` draws the plot a question names in its ``plot:`` field
(:data:`quizzer.bank.schema.PlotName`): the cross-entropy loss -ln(p), or an activation and
its derivative. Plain strings, numpy only, no plotting library needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from quizzer.bank.schema import PlotName
from quizzer.demos.plots import ACTIVATIONS

_BRAILLE = 0x2800
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][col] of a cell
_MARGIN = 8  # characters of y labels left of the plot
MIN_WIDTH, MIN_HEIGHT = 24, 6


class BrailleCanvas:
    """A grid of ``cols`` x ``rows`` characters, addressed as dots (2 per column, 4 per row)."""

    def __init__(self, cols: int, rows: int) -> None:
        self.width, self.height = cols * 2, rows * 4
        self._cells = [[0] * cols for _ in range(rows)]

    def dot(self, x: int, y: int) -> None:
        """Set the dot at column ``x``, row ``y`` (row 0 at the top); outside dots are ignored."""
        if 0 <= x < self.width and 0 <= y < self.height:
            self._cells[y // 4][x // 2] |= _DOTS[y % 4][x % 2]

    def line(self, x0: float, y0: float, x1: float, y1: float, every: int = 1) -> None:
        """Dots along a segment; ``every`` > 1 leaves gaps for a dotted line."""
        steps = max(1, math.ceil(max(abs(x1 - x0), abs(y1 - y0))))
        for i in range(0, steps + 1, every):
            t = i / steps
            self.dot(round(x0 + t * (x1 - x0)), round(y0 + t * (y1 - y0)))

    def rows(self) -> list[str]:
        """The canvas as one string per character row."""
        return ["".join(chr(_BRAILLE + c) for c in row) for row in self._cells]


@dataclass(frozen=True)
class Curve:
    """One function to draw, with its legend label; dotted curves are drawn with gaps."""

    label: str
    fn: Callable[[np.ndarray], np.ndarray]
    dotted: bool = False


@dataclass(frozen=True)
class PlotSpec:
    """What to draw: a title, the x range and axis name, and the curves."""

    title: str
    x_range: tuple[float, float]
    x_name: str
    curves: tuple[Curve, ...]


def _activation(name: str) -> PlotSpec:
    x_range = (-4.0, 4.0)
    title, figure_name = {
        "relu": ("ReLU", "ReLU"),
        "leaky_relu": ("Leaky ReLU (slope 0.1)", "Leaky ReLU (0.1)"),
        "gelu": ("GELU", "GELU"),
        "silu": ("SiLU", "SiLU"),
        "sigmoid": ("Sigmoid", "Sigmoid"),
    }[name]
    fn, deriv = ACTIVATIONS[figure_name]  # the same closed forms as the PNG figures
    return PlotSpec(
        f"{title} and its derivative",
        x_range,
        "x",
        (Curve(f"{name}(x)", fn), Curve(f"{name}'(x)", deriv, dotted=True)),
    )


CROSS_ENTROPY = PlotSpec(
    "Cross-entropy: loss = -ln(p) of the correct token",
    (0.01, 1.0),
    "p",
    (Curve("-ln(p)", lambda p: -np.log(p)),),
)


PLOTS: dict[PlotName, PlotSpec] = {
    "cross_entropy": CROSS_ENTROPY,
    "relu": _activation("relu"),
    "leaky_relu": _activation("leaky_relu"),
    "gelu": _activation("gelu"),
    "silu": _activation("silu"),
    "sigmoid": _activation("sigmoid"),
}
"""Every plot a bank can name, by its ``plot:`` value."""


def _label(value: float) -> str:
    return f"{value + 0.0:.3g}".rjust(_MARGIN - 2)  # + 0.0 turns -0.0 into 0


def render(spec: PlotSpec, width: int, height: int) -> str:
    """Draw ``spec`` into exactly ``height`` lines of at most ``width`` characters."""
    cols, rows = width - _MARGIN, height - 3  # title, x labels and legend take three lines
    canvas = BrailleCanvas(cols, rows)
    lo, hi = spec.x_range
    xs = np.linspace(lo, hi, canvas.width * 4)
    ys = [np.asarray(c.fn(xs), dtype=float) for c in spec.curves]
    y_lo, y_hi = min(float(y.min()) for y in ys), max(float(y.max()) for y in ys)
    y_lo, y_hi = min(y_lo, 0.0), y_hi if y_hi > y_lo else y_lo + 1

    def px(x: float) -> float:
        return (x - lo) / (hi - lo) * (canvas.width - 1)

    def py(y: float) -> float:
        return (y_hi - y) / (y_hi - y_lo) * (canvas.height - 1)

    if y_lo < 0 < y_hi:  # the x axis, sparsely dotted
        canvas.line(0, py(0), canvas.width - 1, py(0), every=4)
    if lo < 0 < hi:
        canvas.line(px(0), 0, px(0), canvas.height - 1, every=4)
    for curve, y in zip(spec.curves, ys, strict=True):
        for i in range(len(xs) - 1):
            if curve.dotted and i % 8 >= 4:  # dashes: draw half of the segments
                continue
            canvas.line(px(xs[i]), py(y[i]), px(xs[i + 1]), py(y[i + 1]))

    body = canvas.rows()
    lines = [spec.title[:width]]
    for i, row in enumerate(body):
        label = _label(y_hi) if i == 0 else _label(y_lo) if i == len(body) - 1 else ""
        lines.append(
            f"{label.rjust(_MARGIN - 2)} ┤{row}" if label else f"{'':>{_MARGIN - 2}} │{row}"
        )
    x_axis = f"{lo:g}".ljust(cols - len(f"{hi:g}")) + f"{hi:g}"
    mid = len(x_axis) // 2
    x_axis = x_axis[:mid] + spec.x_name + x_axis[mid + 1 :]
    lines.append(" " * _MARGIN + x_axis)
    legend = "   ".join(f"{'⠉⠁' if c.dotted else '⠒⠒'} {c.label}" for c in spec.curves)
    lines.append(" " * _MARGIN + legend[: width - _MARGIN])
    return "\n".join(lines)


def terminal_plot(name: PlotName | None, width: int, height: int) -> str | None:
    """The braille plot ``name`` (a question's ``plot:``) in ``width`` x ``height``
    characters; None when there is no plot or the space is smaller than 24 x 6."""
    spec = None if name is None else PLOTS[name]
    if spec is None or width < MIN_WIDTH or height < MIN_HEIGHT:
        return None
    return render(spec, width, height)
