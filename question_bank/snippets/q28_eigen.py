"""Eigenvalues of a symmetric 2x2 matrix: closed form against ``torch.linalg.eigh``.

For [[a, b], [b, c]] the eigenvalues are (a + c)/2 -/+ sqrt(((a - c)/2)^2 + b^2): their sum is
the trace and their product the determinant. ``eigh`` returns them in ascending order with
orthonormal eigenvectors, which is what a Hessian's curvature along each direction means.

    python q28_eigen.py [--device auto|cpu|cuda|mps]
                        [--question ID --params JSON --expected JSON]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable

import numpy as np
import torch

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


def eig_scratch(a: float, b: float, c: float) -> list[float]:
    """Ascending eigenvalues of [[a, b], [b, c]] from the closed form."""
    mid, radius = (a + c) / 2, math.hypot((a - c) / 2, b)
    return [mid - radius, mid + radius]


def eig_torch(
    a: float, b: float, c: float, device: torch.device
) -> tuple[list[float], torch.Tensor]:
    """Ascending eigenvalues and eigenvectors (columns) from ``torch.linalg.eigh``.

    eigh runs on the CPU when the device is mps, which does not implement it."""
    run_on = torch.device("cpu") if device.type == "mps" else device
    m = torch.tensor([[a, b], [b, c]], dtype=torch.float32, device=run_on)
    values, vectors = torch.linalg.eigh(m)
    return values.tolist(), vectors


def demo(device: torch.device) -> None:
    """A few matrices: values, trace and determinant, eigenvectors, and a saddle."""
    for a, b, c in ((2.0, 1.0, 2.0), (4.0, 1.0, 3.0), (1.0, 2.0, -2.0)):
        scratch = eig_scratch(a, b, c)
        values, vectors = eig_torch(a, b, c, device)
        print(f"[[{a}, {b}], [{b}, {c}]]")
        print(f"  closed form {np.round(scratch, 5).tolist()}", end="   ")
        print(f"torch.linalg.eigh {np.round(values, 5).tolist()}")
        print(f"  sum {sum(values):.4f} = trace {a + c}", end=", ")
        print(f"product {values[0] * values[1]:.4f} = det {a * c - b * b}")
        assert np.allclose(scratch, values, atol=1e-5)
        m = torch.tensor([[a, b], [b, c]], device=vectors.device)
        print(
            "  M v = lambda v for each column:",
            torch.allclose(
                m @ vectors, vectors * torch.tensor(values, device=vectors.device), atol=1e-5
            ),
        )
        if values[0] < 0 < values[1]:
            print("  one negative, one positive eigenvalue: as a Hessian, this is a saddle point")


def check_eigenvalues(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Both eigenvalues, ascending, of [[a, b], [b, c]]."""
    a, b, c = p["a"], p["b"], p["c"]
    return {"from scratch": eig_scratch(a, b, c), "torch API": eig_torch(a, b, c, device)[0]}


def check_largest(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The largest eigenvalue of [[a, b], [b, c]]."""
    a, b, c = p["a"], p["b"], p["c"]
    return {"from scratch": eig_scratch(a, b, c)[1], "torch API": eig_torch(a, b, c, device)[0][1]}


CHECKS: dict[str, Callable[[dict[str, float], torch.device], dict[str, object]]] = {
    "q28.eigen.values": check_eigenvalues,
    "q28.eigen.largest": check_largest,
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
