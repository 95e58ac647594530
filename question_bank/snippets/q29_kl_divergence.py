"""KL divergence: D_KL(P||Q) = sum P log(P/Q), its asymmetry, and the F.kl_div argument trap.

``F.kl_div(input, target)`` computes D_KL(target || input.exp()): the *first* argument is the
model's log-probabilities and the *second* the reference distribution, the reverse of the
math notation. Computed from scratch (numpy) and with ``F.kl_div`` and
``torch.distributions.kl_divergence``; shows CE = H + KL and a distillation loss.

    python q29_kl_divergence.py [--device auto|cpu|cuda|mps]   (demo_harness.py: the options)
"""

from __future__ import annotations

from collections.abc import Callable

import demo_harness
import numpy as np
import torch
import torch.nn.functional as F
from torch.distributions import Categorical, Normal, kl_divergence

CHECKS: dict[str, demo_harness.Check] = {}
check = demo_harness.registry(CHECKS)

# --- the math --------------------------------------------------------------------------------


def kl_scratch(p: list[float], q: list[float]) -> float:
    """D_KL(P||Q) = sum P log(P/Q), skipping outcomes where P is 0 (numpy)."""
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))


def kl_torch(p: list[float], q: list[float], device: torch.device) -> float:
    """D_KL(P||Q) with ``F.kl_div(log Q, P)``: model log-probs first, reference second."""
    pt = torch.tensor(p, dtype=torch.float32, device=device)
    qt = torch.tensor(q, dtype=torch.float32, device=device)
    return F.kl_div(qt.log(), pt, reduction="sum").item()


def demo(device: torch.device) -> None:
    """Asymmetry, the argument order of F.kl_div, CE = H + KL, and a distillation loss."""
    p, q = [0.7, 0.2, 0.1], [0.4, 0.4, 0.2]
    print(f"P = {p}, Q = {q}")
    forward, reverse = kl_scratch(p, q), kl_scratch(q, p)
    print(f"  KL(P||Q) scratch {forward:.5f}   F.kl_div(Q.log(), P) {kl_torch(p, q, device):.5f}")
    print(f"  KL(Q||P) scratch {reverse:.5f}   F.kl_div(P.log(), Q) {kl_torch(q, p, device):.5f}")
    print("  not symmetric: KL(P||Q) != KL(Q||P)")
    assert abs(forward - kl_torch(p, q, device)) < 1e-5 and abs(forward - reverse) > 1e-3

    cats = kl_divergence(Categorical(probs=torch.tensor(p)), Categorical(probs=torch.tensor(q)))
    print(f"  torch.distributions.kl_divergence(P, Q) = {cats.item():.5f}")

    entropy = Categorical(probs=torch.tensor(p)).entropy().item()
    cross = -(torch.tensor(p) * torch.tensor(q).log()).sum().item()
    print(f"\nCE(P, Q) = {cross:.5f} = H(P) {entropy:.5f} + KL(P||Q) {forward:.5f}")

    print("\nKnowledge distillation: KL(teacher || student) at temperature T, scaled by T^2:")
    torch.manual_seed(0)
    teacher, student = torch.randn(4, 10, device=device) * 3, torch.randn(4, 10, device=device)
    for t in (1.0, 2.0, 4.0):
        loss = (
            F.kl_div(
                F.log_softmax(student / t, -1), F.softmax(teacher / t, -1), reduction="batchmean"
            )
            * t**2
        )
        print(f"  T = {t}: loss {loss.item():.4f}")
    print("reduction='batchmean' divides by the batch size, matching the math; 'mean' divides")
    print("by every element and is a common silent bug.")


@check("q29.kl.bernoulli")
def check_bernoulli(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """KL(P||Q) for P = (p, 1-p), Q = (q, 1-q)."""
    pp, qq = [p["p"], 1 - p["p"]], [p["q"], 1 - p["q"]]
    return {"from scratch": kl_scratch(pp, qq), "torch API": kl_torch(pp, qq, device)}


@check("q29.kl.reverse")
def check_reverse(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """KL(Q||P) for the same two Bernoullis: the arguments of F.kl_div swap too."""
    pp, qq = [p["p"], 1 - p["p"]], [p["q"], 1 - p["q"]]
    return {"from scratch": kl_scratch(qq, pp), "torch API": kl_torch(qq, pp, device)}


@check("q29.kl.vs-uniform")
def check_vs_uniform(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """KL(P||uniform) for P = (a, b, 1-a-b)."""
    pp, uniform = [p["a"], p["b"], 1 - p["a"] - p["b"]], [1 / 3] * 3
    return {"from scratch": kl_scratch(pp, uniform), "torch API": kl_torch(pp, uniform, device)}


def distributions_with(entropy: float, cross_entropy: float) -> tuple[np.ndarray, np.ndarray]:
    """A P over 100 outcomes with H(P) = entropy, and a Q with H(P, Q) = cross_entropy.

    P is a softmax of fixed scores at a temperature found by bisection; Q mixes P with a point
    mass, which raises the cross-entropy monotonically, again solved by bisection."""
    scores = np.linspace(0.0, 1.0, 100)

    def softmax(beta: float) -> np.ndarray:
        e = np.exp(beta * (scores - scores.max()))
        return e / e.sum()

    def solve(f: Callable[[float], float], target: float, lo: float, hi: float) -> float:
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
        return (lo + hi) / 2

    p = softmax(solve(lambda b: np.sum(softmax(b) * np.log(softmax(b))), -entropy, 0.0, 500.0))
    point = np.eye(100)[0]

    def mix(w: float) -> np.ndarray:
        return (1 - w) * p + w * point

    q = mix(solve(lambda w: -np.sum(p * np.log(mix(w))), cross_entropy, 0.0, 1.0 - 1e-12))
    return p, q


@check("q29.kl.ce-decomposition")
def check_ce_decomposition(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """KL(P||Q) for a pair built to have H(P, Q) = c and H(P) = h, by F.kl_div."""
    pp, qq = distributions_with(p["h"], p["c"])
    print(
        f"  built P, Q over 100 outcomes: H(P) = {-np.sum(pp * np.log(pp)):.4f}, "
        f"H(P, Q) = {-np.sum(pp * np.log(qq)):.4f}"
    )
    return {
        "from scratch": p["c"] - p["h"],
        "torch API": kl_torch(pp.tolist(), qq.tolist(), device),
    }


@check("q29.kl.rlhf-penalty")
def check_rlhf_penalty(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """r - beta * (log pi_RL(y|x) - log pi_SFT(y|x)) from per-token log-softmax of 5 tokens."""
    tokens = 5
    sft_lp, rl_lp = -2.0, (-2.0 * tokens + p["l"]) / tokens  # per-token log-probs, both < 0

    def log_prob(per_token: float) -> torch.Tensor:
        prob = torch.full((tokens,), float(np.exp(per_token)), device=device)
        logits = torch.stack([prob, 1 - prob], dim=1).log()
        return F.log_softmax(logits, -1)[:, 0].sum()  # log pi(y|x) of the 5-token response

    kl_sample = log_prob(rl_lp) - log_prob(sft_lp)
    return {
        "from scratch": p["r"] - p["beta"] * p["l"],
        "torch API": (p["r"] - p["beta"] * kl_sample).item(),
    }


@check("q29.kl.vae")
def check_vae(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """KL(N(mu, s^2) || N(0, 1)): numerical integration (numpy) vs torch.distributions."""
    mu, s = p["mu"], p["s"]
    z = np.linspace(mu - 12 * s, mu + 12 * s, 200_001)
    log_q = -0.5 * ((z - mu) / s) ** 2 - np.log(s * np.sqrt(2 * np.pi))
    log_p = -0.5 * z**2 - np.log(np.sqrt(2 * np.pi))
    scratch = float(np.trapezoid(np.exp(log_q) * (log_q - log_p), z))
    api = kl_divergence(Normal(mu, s), Normal(0.0, 1.0)).item()
    return {"from scratch": scratch, "torch API": api}


if __name__ == "__main__":
    demo_harness.main(__doc__, demo, CHECKS)
