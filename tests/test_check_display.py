"""How answers are shown: one renderer for the preview, the verdict and the reveal; one line
in the order typed when it fits, 2-D when it does not."""

from __future__ import annotations

import pytest

from quizzer.check import check, preview, render_reference
from quizzer.check.build import read
from quizzer.check.display import LINE_WIDTH, render, render_as_written
from quizzer.check.lexer import Names

ADAMW = {
    "kind": "expression",
    "value": "theta - lr*(m/(sqrt(v)+eps) + wd*theta)",
    "variables": ["theta", "lr", "m", "v", "eps", "wd"],
    "domain": {"v": [0.01, 1], "lr": [0.0001, 0.1], "eps": [1e-8, 1e-3], "wd": [0, 0.1]},
}
TYPED = "theta - lr*(m/(sqrt(v) + eps) + wd*theta)"
SHOWN = "θ - lr⋅(m/(√v + eps) + wd⋅θ)"


def test_the_preview_the_verdict_and_the_reveal_show_the_same_line_in_the_typed_order() -> None:
    verdict = check(ADAMW, TYPED)
    assert verdict.status == "correct"
    assert preview(ADAMW, TYPED).interpreted == SHOWN
    assert verdict.interpreted == SHOWN
    assert verdict.expected == SHOWN  # the bank's answer, as the bank wrote it
    assert render_reference(ADAMW) == SHOWN


def test_a_reordered_answer_is_shown_as_its_author_typed_it() -> None:
    reordered = "theta - lr*wd*theta - lr*m/(eps + sqrt(v))"
    verdict = check(ADAMW, reordered)
    assert verdict.status == "correct"
    assert verdict.interpreted == "θ - lr⋅wd⋅θ - lr⋅m/(eps + √v)"
    assert verdict.expected == SHOWN


def test_sums_and_products_are_not_evaluated_or_regrouped_for_display() -> None:
    names = Names(variables=frozenset({"x", "y"}))
    for typed, shown in [
        ("x^2 + 2*x + 1", "x^2 + 2⋅x + 1"),
        ("2*3*x", "2⋅3⋅x"),
        ("x - (y - 1)", "x - (y - 1)"),
        ("exp(x)/(1 + exp(x))^2", "exp(x)/(1 + exp(x))^2"),
        ("1/sqrt(x)", "1/√x"),
        ("max(0, x) + H(x)", "max(0, x) + H(x)"),
    ]:
        assert render_as_written(typed, names, read(typed, names)) == shown


def test_parameters_of_the_reference_show_their_drawn_values() -> None:
    spec = {"kind": "expression", "value": "a*x + 1", "variables": ["x"]}
    verdict = check(spec, "1 + 2*x", {"a": 2.0})
    assert verdict.status == "correct"
    assert verdict.interpreted == "1 + 2⋅x"
    assert verdict.expected == "2.0⋅x + 1"


def test_an_expression_too_wide_for_one_line_is_drawn_in_two_dimensions() -> None:
    names = Names(variables=frozenset({"x"}))
    wide = " + ".join(f"x^{k}/(1 + x^{k})" for k in range(1, 12))
    assert len(render_as_written(wide, names, read(wide, names), width=10_000).split("\n")) == 1
    drawn = render_as_written(wide, names, read(wide, names))
    rows = drawn.split("\n")
    assert len(rows) >= 3  # numerators, bars, denominators
    assert any("─" in row for row in rows)
    assert len(render(read("x/(1 + x)", names))) <= LINE_WIDTH


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [("diff(x^2, x)", "2⋅x"), ("sigmoid(x)*(1 - sigmoid(x))", "σ(x)⋅(1 - σ(x))")],
)
def test_derivatives_and_named_functions_read_as_people_write_them(
    typed: str, fragment: str
) -> None:
    names = Names(variables=frozenset({"x"}))
    assert fragment in render_as_written(typed, names, read(typed, names))


def test_a_derivative_kept_for_display_is_drawn_in_two_dimensions() -> None:
    names = Names(variables=frozenset({"x"}))
    kept = read("diff(x^2, x)", names, keep_derivatives=True)
    assert "d" in render(kept).split("\n")[0] and len(render(kept).split("\n")) == 3
