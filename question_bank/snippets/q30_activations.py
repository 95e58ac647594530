"""Activation functions and their derivatives: autograd against the closed forms.

ReLU, Leaky ReLU, GELU (exact x*Phi(x) and GPT-2's tanh approximation), SiLU and sigmoid,
evaluated with ``torch.nn.functional`` and differentiated with autograd, against formulas
written out in numpy. Also: what PyTorch returns for ReLU'(0), how many ReLU units are
silent on random inputs, and why stacked sigmoids make gradients vanish.

    python q30_activations.py [--device auto|cpu|cuda|mps]
                              [--question ID --params JSON --expected JSON]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

RTOL, ATOL = 1e-3, 1e-6


def pick_device(name: str) -> torch.device:
    """'auto' picks cuda, then mps, then cpu; a named device must be available."""
    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    if name == "auto":
        name = "cuda" if cuda else "mps" if mps else "cpu"
    if (name == "cuda" and not cuda) or (name == "mps" and not mps):
        sys.exit(f"error: device {name!r} is not available here; try --device auto")
    return torch.device(name)


def fmt(value: object) -> str:
    """A number or list of numbers with 6 significant digits."""
    arr = np.asarray(value, dtype=float)
    return f"{float(arr):.6g}" if arr.ndim == 0 else np.array2string(arr, precision=6)


def verify(question: str, results: dict[str, object], expected: object) -> int:
    """Print each result; print a MISMATCH line for each that disagrees with ``expected``."""
    want = expected["values"] if isinstance(expected, dict) else expected
    for label, value in results.items():
        print(f"  {label:>12}: {fmt(value)}")
    if want is None:
        print("  (no --expected given: nothing to compare against)")
        return 0
    print(f"  {'bank':>12}: {fmt(want)}")
    failures = 0
    for label, value in results.items():
        got, exp = np.asarray(value, dtype=float), np.asarray(want, dtype=float)
        if got.shape != exp.shape or not np.allclose(got, exp, rtol=RTOL, atol=ATOL):
            print(f"MISMATCH: {question}: {label} gives {fmt(value)}, the bank says {fmt(want)}")
            failures += 1
    if not failures:
        print("OK: from scratch and the PyTorch API agree with the bank")
    return 1 if failures else 0


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


def derivative_check(name: str) -> Callable[[dict, torch.device], dict[str, object]]:
    """A check of activation ``name``'s derivative: autograd vs the closed form, at ``x``."""
    fn, _, deriv = ACTIVATIONS[name]

    def check(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
        xs = at_points(p)
        return {
            "from scratch": shaped(p, deriv(np.array(xs)).tolist()),
            "torch API": shaped(p, value_and_grad(fn, xs, device)[1]),
        }

    return check


def value_check(name: str) -> Callable[[dict, torch.device], dict[str, object]]:
    """A check of activation ``name``'s value: ``torch.nn.functional`` vs the formula, at ``x``."""
    fn, value, _ = ACTIVATIONS[name]

    def check(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
        xs = at_points(p)
        return {
            "from scratch": shaped(p, value(np.array(xs)).tolist()),
            "torch API": shaped(p, value_and_grad(fn, xs, device)[0]),
        }

    return check


def check_leaky_slope(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Derivative of Leaky ReLU with slope ``a`` at ``x`` (negative)."""
    _, grad = value_and_grad(lambda t: F.leaky_relu(t, p["a"]), [p["x"]], device)
    return {"from scratch": p["a"] if p["x"] < 0 else 1.0, "torch API": grad[0]}


def check_gelu_tanh(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
    """``F.gelu(x, approximate='tanh')`` against GPT-2's formula at the sampled ``x``."""
    xs = at_points(p)
    api = F.gelu(
        torch.tensor(xs, dtype=torch.float32, device=device),
        approximate="tanh",
    )
    return {"from scratch": gelu_tanh(np.array(xs)).tolist(), "torch API": api.tolist()}


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


CHECKS: dict[str, Callable[[dict, torch.device], dict[str, object]]] = {
    "q30.relu.derivative-formula": derivative_check("relu"),
    "q30.relu.grad-at-point": derivative_check("relu"),
    "q30.leaky.value": check_leaky_slope,
    "q30.gelu.exact": value_check("gelu"),
    "q30.gelu.tanh-approx": check_gelu_tanh,
    "q30.gelu.derivative": derivative_check("gelu"),
    "q30.silu.value": value_check("silu"),
    "q30.silu.derivative": derivative_check("silu"),
    "q30.sigmoid.vanishing": check_sigmoid_vanishing,
}


def main() -> int:
    """Run the demo, or check one bank question with its drawn params."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
    parser.add_argument("--question", help="bank question id to check")
    parser.add_argument("--params", type=json.loads, default={}, help="drawn params (JSON)")
    parser.add_argument("--expected", type=json.loads, help="the bank's answer (JSON)")
    args = parser.parse_args()
    device = pick_device(args.device)
    print(f"device: {device}")
    check = CHECKS.get(args.question) if args.question else None
    if check is None:
        if args.question:
            print(f"(no specific check for {args.question}; showing the general demo)")
        demo(device)
        return 0
    print(f"{args.question} with {json.dumps(args.params)}:")
    at = args.expected.get("at", {}) if isinstance(args.expected, dict) else {}
    return verify(args.question, check({**args.params, **at}, device), args.expected)


if __name__ == "__main__":
    sys.exit(main())
