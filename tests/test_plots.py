"""The notes' seven figures as PNG files, and the braille plots shown in the terminal."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from quizzer.demos import commands, plots
from quizzer.demos.terminal_plot import terminal_plot

NOTES_FIGURES = [
    "01_cross_entropy_behavior.png",
    "02_perplexity_comparison.png",
    "03_kl_divergence_analysis.png",
    "04_activation_functions_comprehensive.png",
    "05_activation_comparison.png",
    "06_chain_rule_backpropagation.png",
    "07_loss_landscape.png",
]


def test_write_all_writes_the_seven_figures_with_progress_each_a_real_picture(
    tmp_path: Path,
) -> None:
    """One test for the seven files (drawing them is the slow part: under xdist a shared
    fixture would draw them again on every worker that runs one of its tests)."""
    from matplotlib.image import imread

    progress: list[int] = []
    paths = plots.write_all(tmp_path / "new-dir", lambda done, total, path: progress.append(done))
    assert [p.name for p in paths] == NOTES_FIGURES
    assert progress == [1, 2, 3, 4, 5, 6, 7]
    for path in paths:
        assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path.name
        pixels = imread(path)
        height, width = pixels.shape[:2]
        assert width >= 1000 and height >= 400, path.name
        rgb = pixels[..., :3]
        not_white = np.any(rgb < 0.95, axis=-1).mean()
        assert not_white > 0.05, path.name  # axes, curves and text cover a real part of it
        assert rgb.std() > 0.05, path.name


@pytest.mark.parametrize(
    ("draw", "panels"),
    [(plots.kl_figure, 4), (plots.activations_figure, 9), (plots.loss_landscape_figure, 3)],
)
def test_multi_panel_figures_have_the_notes_panel_counts(draw, panels: int) -> None:  # type: ignore[no-untyped-def]
    import matplotlib.pyplot as plt

    fig = draw()
    try:
        assert len([ax for ax in fig.axes if ax.get_label() != "<colorbar>"]) == panels
    finally:
        plt.close(fig)


def test_write_plots_without_a_terminal_prints_one_line_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two = dict(list(plots.FIGURES.items())[:2])
    monkeypatch.setattr(plots, "FIGURES", two)
    out = io.StringIO()
    paths = commands.write_plots(tmp_path, out=out)
    assert out.getvalue().splitlines() == [f"[{i}/2] {path}" for i, path in enumerate(paths, 1)]


def canvas_rows(plot: str) -> list[str]:
    """The braille rows of a terminal plot (between the title and the x labels)."""
    return [line.split("┤" if "┤" in line else "│", 1)[1] for line in plot.splitlines()[1:-2]]


def test_cross_entropy_terminal_plot_fits_and_falls_from_left_to_right() -> None:
    plot = terminal_plot("cross_entropy", 60, 14)
    assert plot is not None
    lines = plot.splitlines()
    assert len(lines) == 14 and all(len(line) <= 60 for line in lines)
    assert "-ln(p)" in lines[0]
    rows = canvas_rows(plot)
    top_ink = [i for i, ch in enumerate(rows[0]) if ch != "⠀"]
    bottom_ink = [i for i, ch in enumerate(rows[-1]) if ch != "⠀"]
    assert max(top_ink) < len(rows[0]) // 4  # high loss only at small p
    assert max(bottom_ink) > 3 * len(rows[-1]) // 4  # loss near 0 as p -> 1


def test_activation_terminal_plot_shows_the_function_and_its_derivative() -> None:
    plot = terminal_plot("gelu", 50, 12)
    assert plot is not None
    assert plot.splitlines()[0] == "GELU and its derivative"
    assert "gelu(x)" in plot and "gelu'(x)" in plot
    assert terminal_plot("relu", 50, 12).startswith("ReLU")  # type: ignore[union-attr]


def test_terminal_plot_is_none_where_no_plot_fits() -> None:
    assert terminal_plot(None, 60, 14) is None
    assert terminal_plot("cross_entropy", 10, 3) is None


def test_every_plot_a_bank_may_name_is_drawn() -> None:
    from typing import get_args

    from quizzer.bank.schema import PlotName
    from quizzer.demos.terminal_plot import PLOTS

    assert set(PLOTS) == set(get_args(PlotName))
    assert all(terminal_plot(name, 40, 8) for name in PLOTS)


def test_a_user_bank_declares_its_plot_and_a_wrong_name_is_a_bank_error(tmp_path: Path) -> None:
    from quizzer.bank.loader import load_bank

    (tmp_path / "mine.yaml").write_text(
        "- id: my.relu\n  topic: Mine\n  prompt: P\n  plot: relu\n  answer: {kind: recall}\n"
        "- id: my.none\n  topic: Mine\n  prompt: P\n  answer: {kind: recall}\n"
        "- id: my.bad\n  topic: Mine\n  prompt: P\n  plot: tanh\n  answer: {kind: recall}\n"
    )
    bank = load_bank([tmp_path])
    assert bank.questions["my.relu"].plot == "relu"
    assert bank.questions["my.none"].plot is None
    assert "my.bad" not in bank.questions
    assert next(str(e) for e in bank.errors if "my.bad" in str(e)).startswith(
        f"{tmp_path / 'mine.yaml'}:13: my.bad: plot: Input should be 'cross_entropy'"
    )


def test_plots_without_matplotlib_say_how_to_install_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    from helpers import ROOT

    # A fresh interpreter where importing matplotlib fails, as in the light install.
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "sys.argv = ['quizzer', 'plots', '--out', sys.argv[1]]\n"
        "from quizzer.cli import main; main()"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "figures")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "quizzer: error: matplotlib is not installed, so the figures cannot be drawn; "
        "install it with: pip install 'quizzer[demos]'"
    )
    assert not (tmp_path / "figures").exists()
