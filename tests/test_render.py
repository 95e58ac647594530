"""``render_math``: $…$ LaTeX spans become readable Unicode, the rest of the text is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzer.bank.loader import load_bank
from quizzer.bank.params import draw, fill
from quizzer.bank.render import latex_to_unicode, render_math

BANK_DIR = Path(__file__).resolve().parent.parent / "question_bank"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"D_{KL}(P \| Q)", "D_KL(P ‖ Q)"),
        (r"-\log \hat{y}", "−log ŷ"),
        (r"\sqrt{2/\pi}", "√(2/π)"),
        (r"\sqrt{x}", "√x"),
        (r"\mathrm{softmax}(z)", "softmax(z)"),
        (r"\partial s/\partial z", "∂s/∂z"),
        (r"x^2 + x^{-1} + W^\top", "x² + x⁻¹ + Wᵀ"),
        (r"W^T", "Wᵀ"),
        (r"y_i, s_{ij}, x_{2}", "yᵢ, sᵢⱼ, x₂"),
        (r"\frac{a}{b+1}", "a/(b+1)"),
        (r"\mathbb{R}^n", "ℝⁿ"),
        (r"\|x\|_2", "‖x‖₂"),
        (r"\sigma(x) \ne 0", "σ(x) ≠ 0"),
        (r"\text{Loss} = -\log(Q_{\text{correct\_token}})", "Loss = −log(Q_correct_token)"),
        (r"e^{\text{CrossEntropyLoss}}", "e^CrossEntropyLoss"),
        (r"H(P, Q) = -\sum_{x \in V} P(x) \log Q(x)", "H(P, Q) = −Σ_(x ∈ V) P(x) log Q(x)"),
        (
            r"0.5x(1 + \tanh(\sqrt{2/\pi}(x + 0.044715x^3)))",
            "0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))",
        ),
        (r"\mathrm{diag}(s) - s s^\top", "diag(s) − s sᵀ"),
        (r"\beta \cdot \mathrm{KL}", "β · KL"),
    ],
)
def test_latex_to_unicode(latex: str, text: str) -> None:
    assert latex_to_unicode(latex) == text


def test_markdown_outside_math_is_untouched() -> None:
    src = "Use `F.kl_div(input, target)` with **log** inputs; costs $5 and $6.\n- item_1 ^ 2"
    assert render_math(src) == src


def test_inline_and_display_math() -> None:
    src = "Loss $-\\log \\hat{y}$ here.\n$$D_{KL}(P \\| Q) \\ge 0$$\n"
    assert render_math(src) == "Loss −log ŷ here.\nD_KL(P ‖ Q) ≥ 0\n"


def test_escaped_dollar_is_not_math() -> None:
    assert render_math(r"price \$3 and \$4") == r"price \$3 and \$4"


@pytest.fixture(scope="module")
def bank():
    return load_bank([BANK_DIR])


def _shown(bank, qid: str, seed: int = 0) -> str:
    q = bank.questions[qid]
    return render_math(fill(q.prompt, draw(q, seed)))


def test_real_prompts_render(bank) -> None:
    assert "Which formula is D_KL(P ‖ Q) for discrete distributions?" in _shown(
        bank, "q29.kl.definition"
    )
    assert "For L = −ln q (q the probability of the correct token), what is dL/dq?" in _shown(
        bank, "q25.ce.grad-wrt-prob"
    )
    assert "s = softmax(z). Which expression is the Jacobian ∂s/∂z?" in _shown(
        bank, "q27.jac.softmax-formula"
    )
    shown = _shown(bank, "q26.emb.gather-onehot")
    assert "X = O E" in shown and "G = ∂L/∂X" in shown and "∂L/∂E" in shown
    assert "$" not in _shown(bank, "q25.ce.one-hot")
    assert "P is the true distribution" in _shown(bank, "q25.ce.definition")


def test_no_prompt_keeps_raw_latex(bank) -> None:
    for q in bank.questions.values():
        shown = render_math(fill(q.prompt, draw(q, 0)))
        assert "$" not in shown, q.id
        assert "\\" not in shown, (q.id, shown)
