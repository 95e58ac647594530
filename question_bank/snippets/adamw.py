"""AdamW versus Adam with L2: one optimizer step written by hand and checked against torch.optim.

AdamW (decoupled weight decay):  theta <- theta - lr * (m_hat / (sqrt(v_hat) + eps) + wd * theta)
Adam + L2 (weight_decay in torch.optim.Adam) adds wd * theta to the gradient instead, so the
decay is divided by sqrt(v_hat) with everything else: weights with a large gradient history
are barely decayed. Also: bias correction, pure decay over many steps, and which parameters
get decay in a GPT-style setup.

    python adamw.py [--device auto|cpu|cuda|mps]   (demo_harness.py: the options)
"""

from __future__ import annotations

import demo_harness
import numpy as np
import torch
from torch import nn

CHECKS: dict[str, demo_harness.Check] = {}
check = demo_harness.registry(CHECKS)

# --- the math --------------------------------------------------------------------------------

BETAS = (0.9, 0.999)


def float_dtype(device: torch.device) -> torch.dtype:
    """float64 where the device has it (exact comparisons), float32 on mps."""
    return torch.float32 if device.type == "mps" else torch.float64


def adamw_by_hand(
    theta: float, grads: list[float], lr: float, wd: float, eps: float = 1e-8, l2: bool = False
) -> float:
    """theta after one Adam(W) step per gradient, written out in plain Python.

    With ``l2`` the decay is added to the gradient (torch.optim.Adam's weight_decay)."""
    m = v = 0.0
    b1, b2 = BETAS
    for t, g in enumerate(grads, start=1):
        if l2:
            g = g + wd * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        decay = 0.0 if l2 else wd * theta
        theta = theta - lr * (m_hat / (np.sqrt(v_hat) + eps) + decay)
    return theta


def adamw_by_torch(
    theta: float,
    grads: list[float],
    lr: float,
    wd: float,
    device: torch.device,
    eps: float = 1e-8,
    l2: bool = False,
) -> float:
    """theta after the same steps with ``torch.optim.AdamW`` (or ``Adam`` with L2)."""
    p = torch.tensor([theta], dtype=float_dtype(device), device=device, requires_grad=True)
    kind = torch.optim.Adam if l2 else torch.optim.AdamW
    opt = kind([p], lr=lr, betas=BETAS, eps=eps, weight_decay=wd)
    for g in grads:
        p.grad = torch.full_like(p, g)
        opt.step()
    return p.item()


def demo(device: torch.device) -> None:
    """One step by hand vs torch, Adam+L2 vs AdamW on two weights, and decay param groups."""
    theta, lr, wd = 1.0, 0.01, 0.1
    for grads in ([0.5], [0.5, -0.2, 0.3]):
        hand, api = (
            adamw_by_hand(theta, grads, lr, wd),
            adamw_by_torch(theta, grads, lr, wd, device),
        )
        print(f"AdamW from theta={theta}, grads {grads}: by hand {hand:.8f}, torch {api:.8f}")
        assert abs(hand - api) < 1e-7
    print(
        "  first step: m_hat/sqrt(v_hat) = g/|g| = sign(g), so the step is lr*(sign(g) + wd*theta)"
    )

    print("\n200 steps on two weights, both theta = 1, gradients ~ N(0, s^2), lr = 0.01, wd = 0.1:")
    rng = np.random.default_rng(0)
    for scale in (10.0, 0.01):
        grads = (rng.normal(size=200) * scale).tolist()
        no_decay = adamw_by_torch(1.0, grads, 0.01, 0.0, device)
        adamw = adamw_by_torch(1.0, grads, 0.01, 0.1, device)
        adam_l2 = adamw_by_torch(1.0, grads, 0.01, 0.1, device, l2=True)
        assert abs(adam_l2 - adamw_by_hand(1.0, grads, 0.01, 0.1, l2=True)) < 1e-6
        print(
            f"  grad scale {scale:>5}: decay moved theta by AdamW {adamw - no_decay:+.4f},"
            f" Adam+L2 {adam_l2 - no_decay:+.4f}"
        )
    print("  AdamW decays both alike; Adam+L2 divides the decay by sqrt(v_hat): the weight with")
    print("  large gradients is barely decayed, the one with tiny gradients is crushed.")

    model = nn.Sequential(nn.Embedding(100, 16), nn.Linear(16, 16), nn.LayerNorm(16))
    decay = [n for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [n for n, p in model.named_parameters() if p.dim() < 2]
    print("\nGPT-style param groups (decay 2-D tensors only, as nanoGPT does):")
    print(f"  decay: {decay}\n  no decay: {no_decay}")
    torch.optim.AdamW(
        [
            {"params": [p for p in model.parameters() if p.dim() >= 2], "weight_decay": 0.1},
            {"params": [p for p in model.parameters() if p.dim() < 2], "weight_decay": 0.0},
        ],
        lr=1e-3,
    )


@check("adamw.update-rule")
def check_update_rule(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
    """AdamW's update at the sampled (theta, lr, m_hat, v_hat, eps, wd).

    torch.optim.AdamW runs one step with zero gradient from a state chosen so that its
    bias-corrected moments equal m_hat and v_hat."""
    cols = {
        k: np.atleast_1d(np.asarray(p[k], dtype=float))
        for k in ("theta", "lr", "m", "v", "eps", "wd")
    }
    b1, b2 = BETAS
    scratch, api = [], []
    for theta, lr, m, v, eps, wd in zip(*cols.values(), strict=True):
        scratch.append(theta - lr * (m / (np.sqrt(v) + eps) + wd * theta))
        w = torch.tensor([theta], dtype=float_dtype(device), device=device, requires_grad=True)
        opt = torch.optim.AdamW([w], lr=lr, betas=BETAS, eps=eps, weight_decay=wd)
        opt.state[w] = {  # after this step (t = 1): m = b1 * m0, v = b2 * v0, then bias-corrected
            "step": torch.tensor(0.0),
            "exp_avg": torch.full_like(w, m * (1 - b1) / b1),
            "exp_avg_sq": torch.full_like(w, v * (1 - b2) / b2),
        }
        w.grad = torch.zeros_like(w)
        opt.step()
        api.append(w.item())
    return {"from scratch": scratch, "torch API": api}


@check("adamw.first-step")
def check_first_step(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """theta_new - theta after the first AdamW step."""
    args = (p["theta"], [p["g"]], p["lr"], p["wd"])
    return {
        "from scratch": adamw_by_hand(*args) - p["theta"],
        "torch API": adamw_by_torch(*args, device) - p["theta"],
    }


@check("adamw.decay-over-steps")
def check_decay_over_steps(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Shrink factor after ``n`` AdamW steps with zero gradient (pure decoupled decay)."""
    n, lr, wd = int(p["n"]), p["lr"], p["wd"]
    w = torch.ones(1, dtype=float_dtype(device), device=device, requires_grad=True)
    opt = torch.optim.AdamW([w], lr=lr, weight_decay=wd)
    w.grad = torch.zeros_like(w)
    for _ in range(n):
        opt.step()
    theta = 1.0
    for _ in range(n):
        theta -= lr * wd * theta
    return {"from scratch": theta, "torch API": w.item()}


@check("adamw.bias-correction")
def check_bias_correction(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """m_hat / m at step ``t`` for beta1 = ``b``, read from Adam's state (constant gradient)."""
    b, t = p["b"], int(p["t"])
    m = 0.0
    for _ in range(t):
        m = b * m + (1 - b) * 1.0
    w = torch.zeros(1, dtype=float_dtype(device), device=device, requires_grad=True)
    opt = torch.optim.Adam([w], lr=1e-3, betas=(b, 0.999))
    w.grad = torch.ones_like(w)  # constant gradient 1, so m_hat = 1 exactly
    for _ in range(t):
        opt.step()
    return {"from scratch": 1.0 / m, "torch API": 1.0 / opt.state[w]["exp_avg"].item()}


@check("adamw.sgd-equivalence")
def check_sgd_equivalence(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The L2 coefficient that makes an SGD step shrink theta by (1 - d).

    One SGD step on 0.5 * theta^2 measures the shrink per unit of L2; then SGD with that
    weight_decay is checked to shrink theta by exactly (1 - d)."""
    lr, d = p["lr"], p["d"]
    w = torch.ones(1, dtype=float_dtype(device), device=device, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr)
    (0.5 * w**2).sum().backward()
    opt.step()
    coefficient = d / (1 - w.item())
    w2 = torch.ones(1, dtype=float_dtype(device), device=device, requires_grad=True)
    w2.grad = torch.zeros_like(w2)
    torch.optim.SGD([w2], lr=lr, weight_decay=coefficient).step()
    print(f"  SGD(weight_decay={coefficient:.4g}) shrinks theta by {1 - w2.item():.6g} (d = {d})")
    return {"from scratch": d / lr, "torch API": coefficient}


if __name__ == "__main__":
    demo_harness.main(__doc__, demo, CHECKS)
