"""An embedding lookup's gradient touches only the rows of the tokens that were looked up.

An embedding is a one-hot row times a matrix, so dL/dE = onehot(tokens)^T @ dL/doutput: every
row of a token that did not appear is exactly zero, and a token that appears k times collects
the sum of its k upstream gradients. Computed from scratch (numpy) and with ``nn.Embedding``
and autograd, including ``sparse=True``, which stores only the touched rows.

    python q26_embedding_grad.py [--device auto|cpu|cuda|mps]   (demo_harness.py: the options)
"""

from __future__ import annotations

import demo_harness
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

CHECKS: dict[str, demo_harness.Check] = {}
check = demo_harness.registry(CHECKS)

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


@check("q26.emb.rows-nonzero")
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


@check("q26.emb.repeated-token")
def check_repeated_token(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Row 7 of the gradient when token 7 appears twice, upstream (a, b) and (c, d)."""
    tokens, upstream = [7, 7], np.array([[p["a"], p["b"]], [p["c"], p["d"]]])
    return {
        "from scratch": grad_scratch(tokens, upstream, 10)[7].tolist(),
        "torch API": grad_torch(tokens, upstream, 10, device)[7].tolist(),
    }


@check("q26.emb.tied-params-saved")
def check_tied_params_saved(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Parameters saved by tying a V x d embedding to the output projection (meta tensors)."""
    vocab, dim = int(p["V"]), int(p["d"])
    emb = nn.Embedding(vocab, dim, device="meta")  # shapes only: no memory is allocated
    head = nn.Linear(dim, vocab, bias=False, device="meta")
    untied = sum(t.numel() for t in [*emb.parameters(), *head.parameters()])
    head.weight = emb.weight
    tied = sum(t.numel() for t in nn.ModuleList([emb, head]).parameters())  # deduplicated
    return {"from scratch": float(vocab * dim), "torch API": float(untied - tied)}


@check("q26.emb.grad-memory")
def check_grad_memory(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """MiB of a dense fp32 gradient for a V x d embedding."""
    vocab, dim = int(p["V"]), int(p["d"])
    weight = nn.Embedding(vocab, dim, device="meta").weight
    return {
        "from scratch": vocab * dim * 4 / 2**20,
        "torch API": weight.numel() * weight.element_size() / 2**20,
    }


if __name__ == "__main__":
    demo_harness.main(__doc__, demo, CHECKS)
