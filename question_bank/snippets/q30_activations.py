"""Activation functions and their derivatives: autograd against the closed forms.

ReLU, Leaky ReLU, GELU (exact x*Phi(x) and GPT-2's tanh approximation), SiLU and sigmoid,
evaluated with ``torch.nn.functional`` and differentiated with autograd, against formulas
written out in numpy. Also: what PyTorch returns for ReLU'(0), how many ReLU units are
silent on random inputs, and why stacked sigmoids make gradients vanish.

    python q30_activations.py [--device auto|cpu|cuda|mps]   (demo_harness.py: the options)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import demo_harness
import numpy as np
import torch
import torch.nn.functional as F

CHECKS: dict[str, demo_harness.Check] = {}
check = demo_harness.registry(CHECKS)

# --- the math --------------------------------------------------------------------------------

erf = np.vectorize(math.erf)


def Phi(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF."""
    return 0.5 * (1 + erf(np.asarray(x, dtype=float) / math.sqrt(2)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid 1 / (1 + e^-x)."""
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    """GPT-2's approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    x = np.asarray(x, dtype=float)
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


# name: (torch function, closed-form value, closed-form derivative), numpy on the right
ACTIVATIONS: dict[str, tuple[Callable, Callable, Callable]] = {
    "relu": (torch.relu, lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(float)),
    "leaky_relu(0.01)": (
        lambda t: F.leaky_relu(t, 0.01),
        lambda x: np.where(x > 0, x, 0.01 * x),
        lambda x: np.where(x > 0, 1.0, 0.01),
    ),
    "gelu": (
        F.gelu,
        lambda x: x * Phi(x),
        lambda x: Phi(x) + x * np.exp(-(x**2) / 2) / math.sqrt(2 * math.pi),
    ),
    "silu": (F.silu, lambda x: x * sigmoid(x), lambda x: sigmoid(x) * (1 + x * (1 - sigmoid(x)))),
    "sigmoid": (torch.sigmoid, sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x))),
}


def value_and_grad(
    fn: Callable, xs: list[float], device: torch.device
) -> tuple[list[float], list[float]]:
    """fn(x) and dfn/dx by autograd at each point."""
    x = torch.tensor(xs, dtype=torch.float32, device=device, requires_grad=True)
    y = fn(x)
    y.sum().backward()  # each output depends only on its own input, so this is the derivative
    return y.tolist(), x.grad.tolist()


def demo(device: torch.device) -> None:
    """Each activation's value and derivative, autograd vs closed form, plus three lessons."""
    xs = [-2.0, -0.5, 0.3, 1.0, 2.5]
    print(f"points x = {xs}\n")
    for name, (fn, value, deriv) in ACTIVATIONS.items():
        got_value, got_grad = value_and_grad(fn, xs, device)
        ok = np.allclose(got_value, value(np.array(xs)), atol=1e-5) and np.allclose(
            got_grad, deriv(np.array(xs)), atol=1e-5
        )
        print(f"{name:>17}  f  = {np.round(got_value, 4).tolist()}")
        print(f"{'':>17}  f' = {np.round(got_grad, 4).tolist()}  closed forms agree: {ok}")
        assert ok

    _, grad_at_zero = value_and_grad(torch.relu, [0.0], device)
    print(f"\nReLU is not differentiable at 0; PyTorch's autograd returns {grad_at_zero[0]} there.")
    grid = np.linspace(-4, 4, 801)
    tanh_gap = np.abs(gelu_tanh(grid) - grid * Phi(grid)).max()
    print(f"GELU tanh approximation is within {tanh_gap:.1e} of x*Phi(x) on [-4, 4].")

    torch.manual_seed(0)
    h = torch.randn(256, 1024, device=device)
    silent = (torch.relu(h) == 0).float().mean().item()
    print(f"ReLU on standard normal inputs: {silent:.1%} of units output 0.")
    for n in (2, 5, 10):
        grad = check_sigmoid_vanishing({"n": n}, device)["torch API"]
        print(f"Through {n:>2} sigmoid layers autograd gives dy/dx = {grad:.2e} = 0.25^{n} at best")


def at_points(p: dict[str, list[float]]) -> list[float]:
    """The sample points of an expression check (or a single drawn ``x``)."""
    return list(np.atleast_1d(np.asarray(p["x"], dtype=float)))


def shaped(p: dict[str, list[float]], values: list[float]) -> object:
    """A scalar when the question drew one ``x``, a list when the runner sent points."""
    return values if np.ndim(p["x"]) else values[0]


def activation_check(name: str, derivative: bool) -> demo_harness.Check:
    """A check of activation ``name`` at ``x``: its value (``torch.nn.functional`` against the
    formula) or, with ``derivative``, its derivative (autograd against the closed form)."""
    fn, value, deriv = ACTIVATIONS[name]
    formula = deriv if derivative else value

    def check_at(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
        xs = at_points(p)
        return {
            "from scratch": shaped(p, formula(np.array(xs)).tolist()),
            "torch API": shaped(p, value_and_grad(fn, xs, device)[int(derivative)]),
        }

    return check_at


@check("q30.leaky.value")
def check_leaky_slope(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Derivative of Leaky ReLU with slope ``a`` at ``x`` (negative)."""
    _, grad = value_and_grad(lambda t: F.leaky_relu(t, p["a"]), [p["x"]], device)
    return {"from scratch": p["a"] if p["x"] < 0 else 1.0, "torch API": grad[0]}


@check("q30.gelu.tanh-approx")
def check_gelu_tanh(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
    """``F.gelu(x, approximate='tanh')`` against GPT-2's formula at the sampled ``x``."""
    xs = at_points(p)
    api = F.gelu(
        torch.tensor(xs, dtype=torch.float32, device=device),
        approximate="tanh",
    )
    return {"from scratch": gelu_tanh(np.array(xs)).tolist(), "torch API": api.tolist()}


@check("q30.sigmoid.vanishing")
def check_sigmoid_vanishing(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """dy/dx through ``n`` stacked sigmoids, each pre-activation at 0 where sigma' peaks."""
    n = int(p["n"])
    x = torch.zeros(
        (),
        dtype=torch.float32,
        device=device,
        requires_grad=True,
    )
    h = torch.sigmoid(x)
    for _ in range(n - 1):
        h = torch.sigmoid(h - 0.5)  # bias -0.5 puts the next pre-activation at 0
    h.backward()
    return {
        "from scratch": float(np.prod([sigmoid(0.0) * (1 - sigmoid(0.0))] * n)),
        "torch API": x.grad.item(),
    }


CHECKS.update(
    {
        "q30.relu.derivative-formula": activation_check("relu", derivative=True),
        "q30.relu.grad-at-point": activation_check("relu", derivative=True),
        "q30.gelu.exact": activation_check("gelu", derivative=False),
        "q30.gelu.derivative": activation_check("gelu", derivative=True),
        "q30.silu.value": activation_check("silu", derivative=False),
        "q30.silu.derivative": activation_check("silu", derivative=True),
    }
)


if __name__ == "__main__":
    demo_harness.main(__doc__, demo, CHECKS)
