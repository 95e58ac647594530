"""Perplexity is exp(cross-entropy): the number of equally likely words the model is torn between.

Trains a tiny bigram language model, and computes its perplexity from scratch (numpy: exp of the
mean negative log-probability of each observed token) and from the loss ``F.cross_entropy``
returns. A model that guesses uniformly over V words has perplexity exactly V.

    python perplexity.py [--device auto|cpu|cuda|mps]   (demo_harness.py: the options)
"""

from __future__ import annotations

import math

import demo_harness
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

CHECKS: dict[str, demo_harness.Check] = {}
check = demo_harness.registry(CHECKS)

# --- the math --------------------------------------------------------------------------------

CORPUS = "the cat sat on the mat . the dog sat on the rug . the cat saw the dog ."


def ppl_scratch(token_probs: np.ndarray) -> float:
    """exp(-mean(log p)) over the probabilities the model gave the observed tokens (numpy)."""
    return float(np.exp(-np.mean(np.log(np.asarray(token_probs, dtype=np.float64)))))


def ppl_torch(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """exp of the mean cross-entropy loss, the way training code reports it."""
    return torch.exp(F.cross_entropy(logits, targets)).item()


class Bigram(nn.Module):
    """The smallest language model: a table of next-token logits for each current token."""

    def __init__(self, vocab: int) -> None:
        super().__init__()
        self.table = nn.Embedding(vocab, vocab)
        nn.init.zeros_(self.table.weight)  # starts as a uniform guesser

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.table(tokens)


def train(model: Bigram, x: torch.Tensor, y: torch.Tensor, steps: int, lr: float = 5.0) -> None:
    """Plain gradient descent on next-token cross-entropy."""
    for _ in range(steps):
        model.zero_grad()
        F.cross_entropy(model(x), y).backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= lr * param.grad


def demo(device: torch.device) -> None:
    """Random, mediocre and good bigram models on a toy corpus, and the dice intuition."""
    words = CORPUS.split()
    vocab = sorted(set(words))
    ids = torch.tensor([vocab.index(w) for w in words], device=device)
    x, y = ids[:-1], ids[1:]
    print(f"Corpus of {len(words)} tokens, vocabulary of V = {len(vocab)} words.\n")
    print(f"  {'model':<10} {'loss':>7} {'PPL (torch)':>12} {'PPL (scratch)':>14}")
    for name, steps in (("random", 0), ("mediocre", 3), ("good", 200)):
        torch.manual_seed(0)
        model = Bigram(len(vocab)).to(device)
        train(model, x, y, steps)
        with torch.no_grad():
            logits = model(x)
            loss = F.cross_entropy(logits, y).item()
            p_seen = torch.softmax(logits, -1).gather(1, y[:, None]).squeeze(1).cpu().numpy()
        scratch, api = ppl_scratch(p_seen), ppl_torch(logits, y)
        print(f"  {name:<10} {loss:7.3f} {api:12.3f} {scratch:14.3f}")
        assert math.isclose(scratch, api, rel_tol=1e-4)
    print(f"\nThe untrained (uniform) model has PPL = V = {len(vocab)}: it guesses blindly.")
    print("The good model cannot reach 1: after 'the' several words really are possible.")
    die_ppl = ppl_torch(torch.zeros(1, 6, device=device), torch.tensor([0], device=device))
    print(f"A fair 6-sided die as a model: PPL = {die_ppl:.3f}")


def mean_nll(probs: list[float], device: torch.device) -> float:
    """``F.cross_entropy`` over positions whose correct token got the given probabilities."""
    p = torch.tensor(probs, dtype=torch.float64 if device.type != "mps" else torch.float32)
    logits = torch.log(torch.stack([p, 1 - p], dim=1)).to(device)
    return F.cross_entropy(logits, torch.zeros(len(probs), dtype=torch.long, device=device)).item()


def uniform_loss(vocab: int, device: torch.device) -> float:
    """``F.cross_entropy`` of a model with equal logits over ``vocab`` words."""
    logits = torch.zeros(1, vocab, device=device)
    return F.cross_entropy(logits, torch.tensor([0], device=device)).item()


@check("ppl.from-loss")
def check_from_loss(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Perplexity of a model whose mean cross-entropy is ``L`` nats."""
    prob = math.exp(-p["L"])  # a model giving each correct token this probability has loss L
    return {"from scratch": ppl_scratch([prob]), "torch API": math.exp(mean_nll([prob], device))}


@check("ppl.to-loss")
def check_to_loss(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The loss that a perplexity of ``P`` corresponds to."""
    prob = 1 / p["P"]
    return {"from scratch": float(-np.log(prob)), "torch API": mean_nll([prob], device)}


@check("ppl.uniform")
def check_uniform(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Perplexity of a model that spreads probability evenly over ``V`` words."""
    v = int(p["V"])
    return {"from scratch": ppl_scratch([1.0 / v]), "torch API": math.exp(uniform_loss(v, device))}


@check("ppl.uniform-loss")
def check_uniform_loss(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The loss of a uniform guesser over ``V`` words: ln V."""
    v = int(p["V"])
    return {"from scratch": float(-np.log(1.0 / v)), "torch API": uniform_loss(v, device)}


@check("ppl.base2")
def check_base2(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Perplexity from a loss of ``B`` bits per token."""
    prob = 2.0 ** -p["B"]
    scratch = 2.0 ** float(-np.mean(np.log2([prob])))
    return {"from scratch": scratch, "torch API": math.exp(mean_nll([prob], device))}


@check("ppl.nats-to-bits")
def check_nats_to_bits(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """A loss of ``L`` nats per token expressed in bits per token."""
    prob = math.exp(-p["L"])
    scratch = float(-np.mean(np.log2([prob])))
    return {"from scratch": scratch, "torch API": mean_nll([prob], device) / math.log(2)}


@check("ppl.sequence")
def check_sequence(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Perplexity of a 3-token sequence whose tokens got probabilities a, b, c."""
    probs = [p["a"], p["b"], p["c"]]
    return {"from scratch": ppl_scratch(probs), "torch API": math.exp(mean_nll(probs, device))}


@check("ppl.loss-drop")
def check_loss_drop(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """New PPL / old PPL when the loss drops from ``L`` to ``L - d``."""
    old, new = math.exp(-p["L"]), math.exp(-(p["L"] - p["d"]))
    api = math.exp(mean_nll([new], device)) / math.exp(mean_nll([old], device))
    return {"from scratch": ppl_scratch([new]) / ppl_scratch([old]), "torch API": api}


if __name__ == "__main__":
    demo_harness.main(__doc__, demo, CHECKS)
