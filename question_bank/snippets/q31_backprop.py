"""Backprop is the chain rule: the notes' 2-layer network by hand, checked against autograd.

Forward h1 = W1 x + b1, a1 = relu(h1), h2 = W2 a1 + b2, L = cross_entropy(h2, y); backward
dL/dh2 = softmax(h2) - onehot(y), dL/dW2 = dL/dh2 a1^T, dL/da1 = W2^T dL/dh2,
dL/dh1 = dL/da1 * (h1 > 0), dL/dW1 = dL/dh1 x^T. Every gradient is written out with numpy and
compared with ``loss.backward()``. Also: residual connections as gradient highways, and
gradient checkpointing's memory, counted with saved-tensor hooks.

    python q31_backprop.py [--device auto|cpu|cuda|mps]   (demo_harness.py: the options)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import demo_harness
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

CHECKS: dict[str, demo_harness.Check] = {}
check = demo_harness.registry(CHECKS)

# --- the math --------------------------------------------------------------------------------


def backward_by_hand(
    w1: np.ndarray, b1: np.ndarray, w2: np.ndarray, b2: np.ndarray, x: np.ndarray, y: int
) -> dict[str, np.ndarray]:
    """The notes' forward and backward pass for one example, in numpy."""
    h1 = w1 @ x + b1
    a1 = np.maximum(h1, 0)
    h2 = w2 @ a1 + b2
    s = np.exp(h2 - h2.max())
    s /= s.sum()
    dh2 = s - np.eye(len(h2))[y]  # softmax - one-hot
    da1 = w2.T @ dh2
    dh1 = da1 * (h1 > 0)  # ReLU derivative
    return {"W2": np.outer(dh2, a1), "b2": dh2, "W1": np.outer(dh1, x), "b1": dh1, "h2": dh2}


def backward_by_autograd(
    w1: np.ndarray,
    b1: np.ndarray,
    w2: np.ndarray,
    b2: np.ndarray,
    x: np.ndarray,
    y: int,
    device: torch.device,
) -> dict[str, np.ndarray]:
    """The same network in torch; gradients from ``loss.backward()``."""
    t = {
        k: torch.tensor(v, dtype=torch.float32, device=device, requires_grad=True)
        for k, v in {"W1": w1, "b1": b1, "W2": w2, "b2": b2}.items()
    }
    h1 = t["W1"] @ torch.tensor(x, dtype=torch.float32, device=device) + t["b1"]
    h2 = t["W2"] @ torch.relu(h1) + t["b2"]
    h2.retain_grad()
    F.cross_entropy(h2[None], torch.tensor([y], device=device)).backward()
    grads = {k: v.grad.cpu().numpy() for k, v in t.items()}
    return {**grads, "h2": h2.grad.cpu().numpy()}


def demo(device: torch.device) -> None:
    """The 2-layer network, a residual block's gradient, and checkpointing's memory."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=4), 2
    w1, b1 = rng.normal(size=(5, 4)), rng.normal(size=5)
    w2, b2 = rng.normal(size=(3, 5)), rng.normal(size=3)
    hand = backward_by_hand(w1, b1, w2, b2, x, y)
    auto = backward_by_autograd(w1, b1, w2, b2, x, y, device)
    print("2-layer network 4 -> 5 (ReLU) -> 3, cross-entropy, target class 2:")
    for name in ("h2", "W2", "b2", "W1", "b1"):
        same = np.allclose(hand[name], auto[name], atol=1e-5)
        print(f"  dL/d{name:<3} shape {hand[name].shape!s:<7} by hand == autograd: {same}")
        assert same
    print(f"  dL/dh2 = softmax - onehot = {np.round(hand['h2'], 4).tolist()} (sums to 0)")

    print("\nResidual block y = x + w tanh(x): dy/dx = 1 + w (1 - tanh^2 x) never drops below")
    print("1 - |w|, so gradients pass through a deep stack even when tanh saturates:")
    for depth in (10, 50):
        xt = torch.tensor(3.0, device=device, requires_grad=True)
        plain, resid = xt, xt
        for _ in range(depth):
            plain, resid = torch.tanh(plain), resid + 0.1 * torch.tanh(resid)
        (g_plain,) = torch.autograd.grad(plain, xt)
        (g_resid,) = torch.autograd.grad(resid, xt)
        print(
            f"  depth {depth}: plain tanh stack {g_plain.item():.2e}, residual {g_resid.item():.2e}"
        )

    print("\nGradient checkpointing, counted with saved-tensor hooks (n tanh layers):")
    for n in (16, 64):
        print(
            f"  n = {n}: {peak_saved_activations(n, 0)} activations held without checkpointing,"
            f" {peak_saved_activations(n, math.isqrt(n))} with sqrt(n) segments"
        )


def peak_saved_activations(n: int, segments: int) -> int:
    """Most tensors autograd holds at once while backpropagating through ``n`` tanh layers.

    With ``segments`` > 0 each segment is checkpointed: only its input is kept, and its
    activations are recomputed during backward."""
    state = {"live": 0, "peak": 0}

    class Saved:
        def __init__(self, tensor: torch.Tensor) -> None:
            self.tensor = tensor
            state["live"] += 1
            state["peak"] = max(state["peak"], state["live"])

        def __del__(self) -> None:
            state["live"] -= 1

    layers = [nn.Tanh() for _ in range(n)]
    h = torch.randn(8, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(Saved, lambda saved: saved.tensor):
        if segments:
            size = n // segments
            for s in range(segments):
                segment = nn.Sequential(*layers[s * size : (s + 1) * size])
                h = checkpoint(segment, h, use_reentrant=True)
        else:
            for layer in layers:
                h = layer(h)
        h.sum().backward()
    return state["peak"]


def grad_of(
    fn: Callable[..., torch.Tensor], points: dict[str, list[float]], wrt: str, device: torch.device
) -> list[float]:
    """d fn / d ``wrt`` by autograd at each point (all variables given as equal-length lists)."""
    t = {
        k: torch.tensor(
            np.atleast_1d(v), dtype=torch.float32, device=device, requires_grad=k == wrt
        )
        for k, v in points.items()
    }
    fn(**t).sum().backward()
    return t[wrt].grad.tolist()


@check("q31.chain.sigmoid-neuron")
def check_sigmoid_neuron(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
    """dy/dw of y = sigmoid(w x + b) at the sampled (w, x, b)."""
    w, x, b = (np.asarray(p[k], dtype=float) for k in "wxb")
    s = 1 / (1 + np.exp(-(w * x + b)))
    api = grad_of(lambda w, x, b: torch.sigmoid(w * x + b), {"w": w, "x": x, "b": b}, "w", device)
    return {"from scratch": (x * s * (1 - s)).tolist(), "torch API": api}


@check("q31.chain.log-sigmoid")
def check_log_sigmoid(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
    """dL/dz of L = -ln sigmoid(z) at the sampled z."""
    z = np.asarray(p["z"], dtype=float)
    api = grad_of(lambda z: -F.logsigmoid(z), {"z": z}, "z", device)
    return {"from scratch": (1 / (1 + np.exp(-z)) - 1).tolist(), "torch API": api}


@check("q31.chain.squared-error")
def check_squared_error(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """dL/dw of L = (w x - y)^2."""
    w, x, y = p["w"], p["x"], p["y"]
    api = grad_of(lambda w, x, y: (w * x - y) ** 2, {"w": w, "x": x, "y": y}, "w", device)
    return {"from scratch": 2 * (w * x - y) * x, "torch API": api[0]}


@check("q31.chain.two-paths")
def check_two_paths(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """df/dt of f = u v with u = t^2, v = 3t: the two paths' contributions add."""
    t = p["t"]
    u, v, du, dv = t**2, 3 * t, 2 * t, 3.0
    api = grad_of(lambda t: (t**2) * (3 * t), {"t": t}, "t", device)
    return {"from scratch": du * v + u * dv, "torch API": api[0]}


@check("q31.backprop.dlogits")
def check_dlogits(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """dL/dh2 for softmax(h2) = (p, q, 1 - p - q) and target class 2 (index 1)."""
    s = np.array([p["p"], p["q"], 1 - p["p"] - p["q"]])
    h2 = torch.tensor(np.log(s), dtype=torch.float32, device=device, requires_grad=True)
    F.cross_entropy(h2[None], torch.tensor([1], device=device)).backward()
    return {"from scratch": (s - np.eye(3)[1]).tolist(), "torch API": h2.grad.tolist()}


@check("q31.backprop.dw2-entry")
def check_dw2_entry(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """(dL/dW2)_ij from (dL/dh2)_i = g and a1_j = a, via backward through h2 = W2 a1."""
    w2 = torch.zeros(3, 4, device=device, requires_grad=True)
    a1 = torch.tensor([0.5, p["a"], -1.0, 2.0], device=device)  # j = 1
    upstream = torch.tensor([0.1, -0.2, p["g"]], device=device)  # i = 2
    (w2 @ a1).backward(upstream)
    return {"from scratch": p["g"] * p["a"], "torch API": w2.grad[2, 1].item()}


@check("q31.backprop.relu-mask")
def check_relu_mask(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """dL/dh1 = dL/da1 * (h1 > 0) for a1 = relu(h1)."""
    upstream, h1 = np.array([p["g"], p["k"], p["m"]]), np.array([p["u"], p["v"], p["w"]])
    h = torch.tensor(h1, dtype=torch.float32, device=device, requires_grad=True)
    torch.relu(h).backward(torch.tensor(upstream, dtype=torch.float32, device=device))
    return {"from scratch": (upstream * (h1 > 0)).tolist(), "torch API": h.grad.tolist()}


@check("q31.backprop.shapes")
def check_shapes(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Shape of dL/dW1 for x in R^n and h1 in R^k (W1 is k x n)."""
    n, k = int(p["n"]), int(p["k"])
    layer1, layer2 = nn.Linear(n, k).to(device), nn.Linear(k, 3).to(device)
    x = torch.randn(n, device=device)
    F.cross_entropy(
        layer2(torch.relu(layer1(x)))[None], torch.tensor([0], device=device)
    ).backward()
    return {"from scratch": [k, n], "torch API": list(layer1.weight.grad.shape)}


@check("q31.backprop.residual")
def check_residual(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """dy/dx of the residual block y = x + w tanh(x)."""
    w, x = p["w"], p["x"]
    api = grad_of(lambda x: x + w * torch.tanh(x), {"x": x}, "x", device)
    return {"from scratch": 1 + w * (1 - math.tanh(x) ** 2), "torch API": api[0]}


@check("q31.backprop.checkpointing")
def check_checkpointing(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Peak activations held with sqrt(n) checkpointed segments, counted during backward."""
    n = int(p["n"])
    print(f"  without checkpointing autograd holds {peak_saved_activations(n, 0)} activations")
    return {
        "from scratch": 2 * math.sqrt(n),
        "torch API": float(peak_saved_activations(n, math.isqrt(n))),
    }


if __name__ == "__main__":
    demo_harness.main(__doc__, demo, CHECKS)
