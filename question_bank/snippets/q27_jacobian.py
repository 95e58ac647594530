"""The softmax Jacobian: ds_i/dz_j = s_i (delta_ij - s_j), i.e. J = diag(s) - s s^T.

Builds J from the closed form (numpy) and with ``torch.autograd.functional.jacobian``, and shows
its properties: symmetric, rows sum to zero (adding a constant to every logit changes nothing),
and J @ v is cheap, which is how backprop through softmax avoids forming J at all.

    python q27_jacobian.py [--device auto|cpu|cuda|mps]
                           [--question ID --params JSON --expected JSON]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

import numpy as np
import torch
from torch.autograd.functional import jacobian

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


def jacobian_scratch(z: list[float]) -> np.ndarray:
    """diag(s) - s s^T with s = softmax(z), in numpy."""
    e = np.exp(np.asarray(z, dtype=np.float64) - max(z))
    s = e / e.sum()
    return np.diag(s) - np.outer(s, s)


def jacobian_torch(z: list[float], device: torch.device) -> torch.Tensor:
    """The Jacobian of ``torch.softmax`` from autograd."""
    zt = torch.tensor(z, dtype=torch.float32, device=device)
    return jacobian(lambda v: torch.softmax(v, dim=0), zt)


def demo(device: torch.device) -> None:
    """The Jacobian of softmax at a small logit vector, and its properties."""
    z = [2.0, 1.0, 0.1]
    scratch, auto = jacobian_scratch(z), jacobian_torch(z, device)
    np.set_printoptions(precision=4, suppress=True)
    print(f"logits z = {z}, softmax s = {torch.softmax(torch.tensor(z), 0).numpy()}")
    print("diag(s) - s s^T (closed form):\n", scratch)
    print("torch.autograd.functional.jacobian:\n", auto.cpu().numpy())
    assert np.allclose(scratch, auto.cpu().numpy(), atol=1e-6)
    print("agree:", True)
    print(
        "symmetric:",
        np.allclose(scratch, scratch.T),
        "  rows sum to 0:",
        np.allclose(scratch.sum(1), 0),
    )
    print("\nBackprop never builds J: for upstream g, J^T g = s * (g - <s, g>).")
    g = np.array([1.0, -2.0, 0.5])
    s = np.exp(z) / np.exp(z).sum()
    print("  J^T g =", scratch.T @ g, "  s*(g - s.g) =", s * (g - s @ g))
    print("\nFor two classes softmax is a sigmoid of z1 - z2, and J_11 = s(1 - s), the")
    print("familiar sigmoid derivative.")


def two_class_logits(s: float) -> list[float]:
    """Logits whose softmax gives probability ``s`` to the first class."""
    return [float(np.log(s)), float(np.log1p(-s))]


def check_entry(i: int, j: int) -> Callable[[dict[str, float], torch.device], dict[str, object]]:
    """A check of J[i, j] for the two-class softmax, at each sampled probability ``s``."""

    def check(p: dict[str, float], device: torch.device) -> dict[str, object]:
        points = np.atleast_1d(np.asarray(p["s"], dtype=float))
        scratch = [jacobian_scratch(two_class_logits(s))[i, j] for s in points]
        auto = [jacobian_torch(two_class_logits(s), device)[i, j].item() for s in points]
        shape = np.shape(p["s"])
        return {"from scratch": np.reshape(scratch, shape), "torch API": np.reshape(auto, shape)}

    return check


def check_matrix(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The full Jacobian, flattened row by row, at logits z1, z2, z3."""
    z = [p["z1"], p["z2"], p["z3"]]
    return {
        "from scratch": jacobian_scratch(z).ravel().tolist(),
        "torch API": jacobian_torch(z, device).ravel().tolist(),
    }


CHECKS: dict[str, Callable[[dict[str, float], torch.device], dict[str, object]]] = {
    "q27.jacobian.diagonal": check_entry(0, 0),
    "q27.jacobian.offdiagonal": check_entry(0, 1),
    "q27.jacobian.matrix": check_matrix,
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
