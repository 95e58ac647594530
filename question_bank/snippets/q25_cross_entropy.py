"""Cross-entropy for next-token prediction: the loss is -log of the probability of the right token.

Computes the loss from scratch (numpy, -log softmax) and with ``F.cross_entropy``, shows why it
punishes confident mistakes, and checks that the gradient with respect to the logits is
``softmax(z) - onehot(y)``.

    python q25_cross_entropy.py [--device auto|cpu|cuda|mps]
                                [--question ID --params JSON --expected JSON]
"""

from __future__ import annotations

import argparse
import json
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


def check_numeric(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Loss when the correct token has probability ``p``."""
    probs = probs_with_correct(p["p"])
    return {"from scratch": ce_scratch(probs, 0), "torch API": ce_torch(probs, 0, device)}


def check_one_hot(p: dict[str, list[float]], device: torch.device) -> dict[str, object]:
    """The loss -ln q at each sampled probability ``q`` of the correct token."""
    qs = p["q"]
    return {
        "from scratch": [ce_scratch(probs_with_correct(q), 0) for q in qs],
        "torch API": [ce_torch(probs_with_correct(q), 0, device) for q in qs],
    }


def check_batch_mean(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Mean loss over three positions whose correct tokens get probabilities a, b, c."""
    rows = [probs_with_correct(p[k]) for k in "abc"]
    logits = torch.log(torch.tensor(rows, dtype=torch.float32, device=device))
    api = F.cross_entropy(logits, torch.zeros(3, dtype=torch.long, device=device)).item()
    return {"from scratch": float(np.mean([ce_scratch(r, 0) for r in rows])), "torch API": api}


def check_soft_target(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """H(target, prediction) for target (t, 1-t) and prediction (q, 1-q)."""
    t, q = p["t"], p["q"]
    scratch = -(t * np.log(q) + (1 - t) * np.log(1 - q))
    logits = torch.log(torch.tensor([[q, 1 - q]], dtype=torch.float32, device=device))
    target = torch.tensor([[t, 1 - t]], dtype=torch.float32, device=device)
    return {"from scratch": float(scratch), "torch API": F.cross_entropy(logits, target).item()}


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


def check_grad_logit_correct(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """dL/dz_c when softmax gives the correct class probability ``q``."""
    logits = np.log(probs_with_correct(p["q"])).tolist()
    return {
        "from scratch": softmax_minus_onehot(logits)[0],
        "torch API": logit_grad(logits, device)[0],
    }


def check_grad_logits(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The whole gradient dL/dz for logits (a, b, c), first class correct."""
    logits = [p["a"], p["b"], p["c"]]
    return {"from scratch": softmax_minus_onehot(logits), "torch API": logit_grad(logits, device)}


CHECKS: dict[str, Callable[[dict, torch.device], dict[str, object]]] = {
    "q25.ce.numeric": check_numeric,
    "q25.ce.one-hot": check_one_hot,
    "q25.ce.batch-mean": check_batch_mean,
    "q25.ce.soft-target": check_soft_target,
    "q25.ce.grad-wrt-prob": check_grad_wrt_prob,
    "q25.ce.grad-logit-correct": check_grad_logit_correct,
    "q25.ce.grad-logits": check_grad_logits,
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
