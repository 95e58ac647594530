"""Cross-entropy for next-token prediction: the loss is -log of the probability of the right token.

Computes the loss from scratch (numpy, -log softmax) and with ``F.cross_entropy``, shows why it
punishes confident mistakes, and checks that the gradient with respect to the logits is
``softmax(z) - onehot(y)``.

    python q25_cross_entropy.py [--device auto|cpu|cuda|mps]   (demo_harness.py: the options)
"""

from __future__ import annotations

import demo_harness
import numpy as np
import torch
import torch.nn.functional as F

CHECKS: dict[str, demo_harness.Check] = {}
check = demo_harness.registry(CHECKS)

# --- the math --------------------------------------------------------------------------------


def ce_scratch(probs: list[float], target: int) -> float:
    """-log softmax(log probs)[target], written out with numpy (stable log-sum-exp)."""
    logits = np.log(np.asarray(probs, dtype=np.float64))
    z = logits - logits.max()
    log_softmax = z - np.log(np.exp(z).sum())
    return float(-log_softmax[target])


def ce_torch(probs: list[float], target: int, device: torch.device) -> float:
    """The same loss with ``F.cross_entropy``, which takes logits (here log probs)."""
    logits = torch.log(torch.tensor([probs], dtype=torch.float32, device=device))
    return F.cross_entropy(logits, torch.tensor([target], device=device)).item()


def probs_with_correct(p: float, vocab: int = 3) -> list[float]:
    """A distribution giving ``p`` to token 0 and sharing the rest evenly."""
    rest = max((1.0 - p) / (vocab - 1), 1e-12)
    return [p] + [rest] * (vocab - 1)


def demo(device: torch.device) -> None:
    """The notes' examples, loss against confidence, a batch of tokens, and the gradient."""
    print("Cross-entropy with a one-hot target is -log(p_correct).")
    for probs in ([0.1, 0.7, 0.2], [0.1, 0.3, 0.6]):
        print(f"  predictions {probs}, target 'dog' (index 1):")
        scratch, api = ce_scratch(probs, 1), ce_torch(probs, 1, device)
        print(f"    scratch {scratch:.4f}   F.cross_entropy {api:.4f}")

    print("\nConfident and right costs little; confident and wrong costs a lot:")
    for p in (0.99, 0.9, 0.7, 0.3, 0.01):
        bar = "#" * round(-np.log(p) * 8)
        print(f"  p = {p:<5} loss = {-np.log(p):6.3f}  {bar}")

    torch.manual_seed(0)
    logits = torch.randn(6, 10, device=device, dtype=torch.float32, requires_grad=True)
    targets = torch.randint(0, 10, (6,), device=device)
    loss = F.cross_entropy(logits, targets)
    by_hand = -torch.log_softmax(logits, dim=-1)[torch.arange(6, device=device), targets].mean()
    print(f"\nA batch of 6 tokens over a 10-word vocabulary: F.cross_entropy {loss.item():.5f},")
    print(f"  mean of -log_softmax at the targets {by_hand.item():.5f}")
    assert torch.allclose(loss, by_hand, rtol=1e-5)

    loss.backward()
    closed_form = (torch.softmax(logits.detach(), -1) - F.one_hot(targets, 10)) / 6
    print(
        "Gradient wrt logits = (softmax - onehot) / batch:",
        "matches autograd" if torch.allclose(logits.grad, closed_form, atol=1e-6) else "DIFFERS",
    )
    assert torch.allclose(logits.grad, closed_form, atol=1e-6)


@check("q25.ce.numeric")
def check_numeric(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Loss when the correct token has probability ``p``."""
    probs = probs_with_correct(p["p"])
    return {"from scratch": ce_scratch(probs, 0), "torch API": ce_torch(probs, 0, device)}


@check("q25.ce.one-hot")
def check_one_hot(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
    """The loss -ln q at each sampled probability ``q`` of the correct token."""
    qs = p["q"]
    return {
        "from scratch": [ce_scratch(probs_with_correct(q), 0) for q in qs],
        "torch API": [ce_torch(probs_with_correct(q), 0, device) for q in qs],
    }


@check("q25.ce.batch-mean")
def check_batch_mean(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Mean loss over three positions whose correct tokens get probabilities a, b, c."""
    rows = [probs_with_correct(p[k]) for k in "abc"]
    logits = torch.log(torch.tensor(rows, dtype=torch.float32, device=device))
    api = F.cross_entropy(logits, torch.zeros(3, dtype=torch.long, device=device)).item()
    return {"from scratch": float(np.mean([ce_scratch(r, 0) for r in rows])), "torch API": api}


@check("q25.ce.soft-target")
def check_soft_target(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """H(target, prediction) for target (t, 1-t) and prediction (q, 1-q)."""
    t, q = p["t"], p["q"]
    scratch = -(t * np.log(q) + (1 - t) * np.log(1 - q))
    logits = torch.log(torch.tensor([[q, 1 - q]], dtype=torch.float32, device=device))
    target = torch.tensor([[t, 1 - t]], dtype=torch.float32, device=device)
    return {"from scratch": float(scratch), "torch API": F.cross_entropy(logits, target).item()}


@check("q25.ce.grad-wrt-prob")
def check_grad_wrt_prob(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
    """dL/dq of L = -ln q by autograd, at each sampled ``q``."""
    q = torch.tensor(p["q"], dtype=torch.float32, device=device, requires_grad=True)
    (-torch.log(q)).sum().backward()
    return {"from scratch": [-1 / v for v in p["q"]], "torch API": q.grad.tolist()}


def logit_grad(logits: list[float], device: torch.device) -> list[float]:
    """dL/dz by autograd through ``F.cross_entropy`` with the first class correct."""
    z = torch.tensor([logits], dtype=torch.float32, device=device, requires_grad=True)
    F.cross_entropy(z, torch.tensor([0], device=device)).backward()
    return z.grad[0].tolist()


def softmax_minus_onehot(logits: list[float]) -> list[float]:
    """softmax(z) - onehot(0), in numpy."""
    e = np.exp(np.asarray(logits) - max(logits))
    return (e / e.sum() - np.eye(len(logits))[0]).tolist()


@check("q25.ce.grad-logit-correct")
def check_grad_logit_correct(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """dL/dz_c when softmax gives the correct class probability ``q``."""
    logits = np.log(probs_with_correct(p["q"])).tolist()
    return {
        "from scratch": softmax_minus_onehot(logits)[0],
        "torch API": logit_grad(logits, device)[0],
    }


@check("q25.ce.grad-logits")
def check_grad_logits(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The whole gradient dL/dz for logits (a, b, c), first class correct."""
    logits = [p["a"], p["b"], p["c"]]
    return {"from scratch": softmax_minus_onehot(logits), "torch API": logit_grad(logits, device)}


if __name__ == "__main__":
    demo_harness.main(__doc__, demo, CHECKS)
