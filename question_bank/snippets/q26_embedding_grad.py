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
import torch.nn.functional as F
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
    """dL/dE = onehot(tokens)^T @ dL/doutput, done as the scatter-add it is (numpy)."""
    grad = np.zeros((vocab, upstream.shape[1]))
    np.add.at(grad, tokens, upstream)
    return grad


def grad_torch(
    tokens: list[int], upstream: np.ndarray, vocab: int, device: torch.device, sparse: bool = False
) -> torch.Tensor:
    """The gradient autograd leaves on ``nn.Embedding.weight`` for the same upstream gradient."""
    torch.manual_seed(0)
    emb = nn.Embedding(vocab, upstream.shape[1], sparse=sparse).to(device)
    out = emb(torch.tensor(tokens, device=device))
    out.backward(torch.tensor(upstream, dtype=torch.float32, device=device))
    return emb.weight.grad


def nonzero_rows(grad: torch.Tensor | np.ndarray) -> list[int]:
    """Indices of the rows of a gradient that are not all zero."""
    g = torch.as_tensor(grad)
    return torch.nonzero(g.abs().sum(1)).flatten().tolist()


def demo(device: torch.device) -> None:
    """A 10-word vocabulary, a 5-token sentence with a repeat, sparse grads, AdamW, tying."""
    vocab, dim, tokens = 10, 4, [1, 3, 3, 7, 2]
    upstream = np.random.default_rng(0).normal(size=(len(tokens), dim))
    dense = grad_torch(tokens, upstream, vocab, device).cpu()
    onehot = np.eye(vocab)[tokens]
    print(f"Vocabulary {vocab}, dim {dim}, tokens {tokens}.")
    print("  nonzero rows of dL/dE (autograd):", nonzero_rows(dense))
    print(
        "  onehot^T @ upstream equals autograd:", np.allclose(onehot.T @ upstream, dense, atol=1e-6)
    )
    print(
        "  scatter-add from scratch equals autograd:",
        np.allclose(grad_scratch(tokens, upstream, vocab), dense, atol=1e-6),
    )
    print(
        "  row 3 (token seen twice) = sum of its two upstream rows:",
        np.allclose(dense[3], upstream[1] + upstream[2], atol=1e-6),
    )
    assert np.allclose(grad_scratch(tokens, upstream, vocab), dense, atol=1e-6)
    if device.type != "mps":  # sparse gradients are not implemented on mps
        sparse = grad_torch(tokens, upstream, vocab, device, sparse=True).coalesce()
        print(
            f"  sparse=True stores {sparse.indices().shape[1]} rows, not {vocab}:",
            sparse.indices()[0].tolist(),
        )

    print("\nAdamW moves a row whose gradient is zero this step (momentum + weight decay):")
    emb = nn.Embedding(vocab, dim).to(device)
    opt = torch.optim.AdamW(emb.parameters(), lr=0.1, weight_decay=0.1)
    for batch in ([5, 6], [1, 2]):  # row 5 is seen in step 1, not in step 2
        before = emb.weight[5].detach().clone()
        opt.zero_grad()
        emb(torch.tensor(batch, device=device)).sum().backward()
        opt.step()
        moved = (emb.weight[5].detach() - before).abs().max().item()
        print(
            f"  batch {batch}: grad of row 5 = {emb.weight.grad[5].abs().sum().item():.1f},"
            f" row 5 moved by {moved:.4f}"
        )

    print("\nWeight tying: the output projection sends gradient to every row:")
    tied = nn.Embedding(vocab, dim).to(device)
    logits = tied(torch.tensor([1, 3], device=device)) @ tied.weight.T
    F.cross_entropy(logits, torch.tensor([3, 7], device=device)).backward()
    print(f"  nonzero rows with tying: {len(nonzero_rows(tied.weight.grad.cpu()))} of {vocab}")


def check_rows_nonzero(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Nonzero gradient rows for ``n`` positions drawn from ``k`` distinct ids of ``V``."""
    vocab, n, k = int(p["V"]), int(p["n"]), int(p["k"])
    rng = np.random.default_rng(0)
    ids = rng.choice(vocab, size=k, replace=False)
    tokens = np.concatenate([ids, rng.choice(ids, size=n - k)]).tolist()
    upstream = rng.normal(size=(n, 2))
    return {
        "from scratch": float(len(nonzero_rows(grad_scratch(tokens, upstream, vocab)))),
        "torch API": float(len(nonzero_rows(grad_torch(tokens, upstream, vocab, device)))),
    }


def check_repeated_token(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Row 7 of the gradient when token 7 appears twice, upstream (a, b) and (c, d)."""
    tokens, upstream = [7, 7], np.array([[p["a"], p["b"]], [p["c"], p["d"]]])
    return {
        "from scratch": grad_scratch(tokens, upstream, 10)[7].tolist(),
        "torch API": grad_torch(tokens, upstream, 10, device)[7].tolist(),
    }


def check_tied_params_saved(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Parameters saved by tying a V x d embedding to the output projection (meta tensors)."""
    vocab, dim = int(p["V"]), int(p["d"])
    emb = nn.Embedding(vocab, dim, device="meta")  # shapes only: no memory is allocated
    head = nn.Linear(dim, vocab, bias=False, device="meta")
    untied = sum(t.numel() for t in [*emb.parameters(), *head.parameters()])
    head.weight = emb.weight
    tied = sum(t.numel() for t in nn.ModuleList([emb, head]).parameters())  # deduplicated
    return {"from scratch": float(vocab * dim), "torch API": float(untied - tied)}


def check_grad_memory(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """MiB of a dense fp32 gradient for a V x d embedding."""
    vocab, dim = int(p["V"]), int(p["d"])
    weight = nn.Embedding(vocab, dim, device="meta").weight
    return {
        "from scratch": vocab * dim * 4 / 2**20,
        "torch API": weight.numel() * weight.element_size() / 2**20,
    }


CHECKS: dict[str, Callable[[dict[str, float], torch.device], dict[str, object]]] = {
    "q26.emb.rows-nonzero": check_rows_nonzero,
    "q26.emb.repeated-token": check_repeated_token,
    "q26.emb.tied-params-saved": check_tied_params_saved,
    "q26.emb.grad-memory": check_grad_memory,
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
