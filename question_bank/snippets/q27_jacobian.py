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
import torch.nn.functional as F
from torch.autograd.functional import jacobian
from torch.func import jacrev

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


def softmax_jacobian_at(probs: list[float], device: torch.device) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form and autograd Jacobians of softmax at logits ln(probs)."""
    z = np.log(probs).tolist()
    return jacobian_scratch(z), jacobian_torch(z, device).cpu().numpy()


def check_shape_linear(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Shape of dy/dx for y = W x with W of shape m x n."""
    m, n = int(p["m"]), int(p["n"])
    w, x = torch.randn(m, n, device=device), torch.randn(n, device=device)
    jac = jacobian(lambda v: w @ v, x)
    assert torch.allclose(jac, w)  # the Jacobian of a linear map is its matrix
    return {"from scratch": [m, n], "torch API": list(jac.shape)}


def check_weight_jacobian_size(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Entries of dy/dW for y = W x: jacrev on the meta device gives the shape, no memory."""
    m, n = int(p["m"]), int(p["n"])
    w, x = torch.empty(m, n, device="meta"), torch.empty(n, device="meta")
    jac = jacrev(lambda weight: weight @ x)(w)  # shape (m, m, n)
    return {"from scratch": float(m * m * n), "torch API": float(jac.numel())}


def check_softmax_diag(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """ds_i/dz_i when s_i = s (a two-class softmax)."""
    scratch, auto = softmax_jacobian_at([p["s"], 1 - p["s"]], device)
    return {"from scratch": scratch[0, 0], "torch API": auto[0, 0]}


def check_softmax_offdiag(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """ds_i/dz_j when s_i = a and s_j = b (a three-class softmax)."""
    scratch, auto = softmax_jacobian_at([p["a"], p["b"], 1 - p["a"] - p["b"]], device)
    return {"from scratch": scratch[0, 1], "torch API": auto[0, 1]}


def check_sigmoid_2class(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The full 2 x 2 softmax Jacobian, row by row, at s = (p, 1 - p)."""
    scratch, auto = softmax_jacobian_at([p["p"], 1 - p["p"]], device)
    return {"from scratch": scratch.ravel().tolist(), "torch API": auto.ravel().tolist()}


def check_softmax_vjp(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """dL/dz = J^T g by backward(), against s * (g - <s, g>)."""
    s = np.array([p["p"], p["q"], 1 - p["p"] - p["q"]])
    g = np.array([p["a"], p["b"], p["c"]])
    z = torch.tensor(np.log(s), dtype=torch.float32, device=device, requires_grad=True)
    torch.softmax(z, dim=0).backward(torch.tensor(g, dtype=torch.float32, device=device))
    return {"from scratch": (s * (g - s @ g)).tolist(), "torch API": z.grad.tolist()}


def check_elementwise_size(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """[total, nonzero] entries of an elementwise GELU's Jacobian on a (B, T, d) tensor."""
    size = int(p["B"]) * int(p["T"]) * int(p["d"])
    small = jacobian(F.gelu, torch.randn(2, 3, 4, device=device)).reshape(24, 24)
    assert torch.count_nonzero(small) == torch.count_nonzero(torch.diagonal(small)) == 24
    full = jacrev(F.gelu)(torch.empty(size, device="meta"))  # diagonal, as the small one shows
    return {
        "from scratch": [float(size) ** 2, float(size)],
        "torch API": [float(full.numel()), float(full.shape[0])],
    }


CHECKS: dict[str, Callable[[dict[str, float], torch.device], dict[str, object]]] = {
    "q27.jac.shape-linear": check_shape_linear,
    "q27.jac.weight-jacobian-size": check_weight_jacobian_size,
    "q27.jac.softmax-diag": check_softmax_diag,
    "q27.jac.softmax-offdiag": check_softmax_offdiag,
    "q27.jac.sigmoid-2class": check_sigmoid_2class,
    "q27.jac.softmax-vjp": check_softmax_vjp,
    "q27.jac.elementwise-size": check_elementwise_size,
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
