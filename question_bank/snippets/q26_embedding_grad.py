"""An embedding lookup's gradient touches only the rows of the tokens that were looked up.

An embedding is a one-hot row times a matrix, so dL/dE = onehot(tokens)^T @ dL/doutput: every
row of a token that did not appear is exactly zero, and a token that appears k times collects
the sum of its k upstream gradients. Computed from scratch (numpy) and with ``nn.Embedding``
and autograd, including ``sparse=True``, which stores only the touched rows.

    python q26_embedding_grad.py [--device auto|cpu|cuda|mps]
                                 [--question ID --params JSON --expected JSON]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

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


def grad_scratch(tokens: list[int], upstream: np.ndarray, vocab: int) -> np.ndarray:
    """dL/dE = onehot(tokens)^T @ dL/doutput, written out with numpy."""
    onehot = np.eye(vocab)[tokens]
    return onehot.T @ upstream


def grad_torch(
    tokens: list[int], upstream: np.ndarray, vocab: int, device: torch.device, sparse: bool = False
) -> torch.Tensor:
    """The gradient autograd leaves on ``nn.Embedding.weight`` for the same upstream gradient."""
    torch.manual_seed(0)
    emb = nn.Embedding(vocab, upstream.shape[1], sparse=sparse).to(device)
    out = emb(torch.tensor(tokens, device=device))
    out.backward(torch.tensor(upstream, dtype=torch.float32, device=device))
    return emb.weight.grad


def demo(device: torch.device) -> None:
    """A 10-word vocabulary, a 5-token sentence with a repeat, and the sparse gradient."""
    vocab, dim, tokens = 10, 4, [1, 3, 3, 7, 2]
    upstream = np.random.default_rng(0).normal(size=(len(tokens), dim))
    scratch = grad_scratch(tokens, upstream, vocab)
    dense = grad_torch(tokens, upstream, vocab, device)
    print(f"Vocabulary {vocab}, dim {dim}, tokens {tokens}.")
    print(
        "Rows of dL/dE that are nonzero (autograd):",
        [i for i in range(vocab) if dense[i].abs().sum() > 0],
    )
    print(
        "Row 3 (token seen twice) = sum of its two upstream rows:",
        np.allclose(dense[3].cpu().numpy(), upstream[1] + upstream[2], atol=1e-6),
    )
    print(
        "From scratch onehot^T @ upstream equals autograd:",
        np.allclose(dense.cpu().numpy(), scratch, atol=1e-6),
    )
    assert np.allclose(dense.cpu().numpy(), scratch, atol=1e-6)
    if device.type != "mps":  # sparse gradients are not implemented on mps
        sparse = grad_torch(tokens, upstream, vocab, device, sparse=True).coalesce()
        print(
            f"With sparse=True the gradient stores {sparse.indices().shape[1]} rows, not {vocab}:",
            sparse.indices().tolist()[0],
        )
    print("\nThis is why a 50k-word embedding table gets a tiny update per batch, and why")
    print("optimizers with weight decay still shrink rows that received no gradient.")


def check_nonzero_rows(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """How many rows of the gradient are nonzero for a batch of ``n`` distinct tokens."""
    vocab, n = int(p["V"]), int(p["n"])
    tokens = list(range(n))
    upstream = np.ones((n, 3))
    scratch = grad_scratch(tokens, upstream, vocab)
    dense = grad_torch(tokens, upstream, vocab, device)
    return {
        "from scratch": float((np.abs(scratch).sum(1) > 0).sum()),
        "torch API": float((dense.abs().sum(1) > 0).sum().item()),
    }


def check_repeated_row(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The gradient on a token's row when it appears ``k`` times with upstream gradient ``g``."""
    k, g = int(p["k"]), p["g"]
    tokens, upstream = [0] * k, np.full((k, 1), g)
    return {
        "from scratch": float(grad_scratch(tokens, upstream, 2)[0, 0]),
        "torch API": grad_torch(tokens, upstream, 2, device)[0, 0].item(),
    }


CHECKS: dict[str, Callable[[dict[str, float], torch.device], dict[str, object]]] = {
    "q26.embedding.nonzero_rows": check_nonzero_rows,
    "q26.embedding.repeated_row": check_repeated_row,
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
