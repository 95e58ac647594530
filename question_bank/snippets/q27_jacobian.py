"""The softmax Jacobian: ds_i/dz_j = s_i (delta_ij - s_j), i.e. J = diag(s) - s s^T.

Builds J from the closed form (numpy) and with ``torch.autograd.functional.jacobian``, and shows
its properties: symmetric, rows sum to zero (adding a constant to every logit changes nothing),
and J @ v is cheap, which is how backprop through softmax avoids forming J at all.

    python q27_jacobian.py [--device auto|cpu|cuda|mps]   (demo_harness.py: the options)
"""

from __future__ import annotations

import demo_harness
import numpy as np
import torch
import torch.nn.functional as F
from torch.autograd.functional import jacobian
from torch.func import jacrev

CHECKS: dict[str, demo_harness.Check] = {}
check = demo_harness.registry(CHECKS)

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


@check("q27.jac.shape-linear")
def check_shape_linear(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Shape of dy/dx for y = W x with W of shape m x n."""
    m, n = int(p["m"]), int(p["n"])
    w, x = torch.randn(m, n, device=device), torch.randn(n, device=device)
    jac = jacobian(lambda v: w @ v, x)
    assert torch.allclose(jac, w)  # the Jacobian of a linear map is its matrix
    return {"from scratch": [m, n], "torch API": list(jac.shape)}


@check("q27.jac.weight-jacobian-size")
def check_weight_jacobian_size(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Entries of dy/dW for y = W x: jacrev on the meta device gives the shape, no memory."""
    m, n = int(p["m"]), int(p["n"])
    w, x = torch.empty(m, n, device="meta"), torch.empty(n, device="meta")
    jac = jacrev(lambda weight: weight @ x)(w)  # shape (m, m, n)
    return {"from scratch": float(m * m * n), "torch API": float(jac.numel())}


@check("q27.jac.softmax-diag")
def check_softmax_diag(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """ds_i/dz_i when s_i = s (a two-class softmax)."""
    scratch, auto = softmax_jacobian_at([p["s"], 1 - p["s"]], device)
    return {"from scratch": scratch[0, 0], "torch API": auto[0, 0]}


@check("q27.jac.softmax-offdiag")
def check_softmax_offdiag(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """ds_i/dz_j when s_i = a and s_j = b (a three-class softmax)."""
    scratch, auto = softmax_jacobian_at([p["a"], p["b"], 1 - p["a"] - p["b"]], device)
    return {"from scratch": scratch[0, 1], "torch API": auto[0, 1]}


@check("q27.jac.sigmoid-2class")
def check_sigmoid_2class(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The full 2 x 2 softmax Jacobian, row by row, at s = (p, 1 - p)."""
    scratch, auto = softmax_jacobian_at([p["p"], 1 - p["p"]], device)
    return {"from scratch": scratch.ravel().tolist(), "torch API": auto.ravel().tolist()}


@check("q27.jac.softmax-vjp")
def check_softmax_vjp(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """dL/dz = J^T g by backward(), against s * (g - <s, g>)."""
    s = np.array([p["p"], p["q"], 1 - p["p"] - p["q"]])
    g = np.array([p["a"], p["b"], p["c"]])
    z = torch.tensor(np.log(s), dtype=torch.float32, device=device, requires_grad=True)
    torch.softmax(z, dim=0).backward(torch.tensor(g, dtype=torch.float32, device=device))
    return {"from scratch": (s * (g - s @ g)).tolist(), "torch API": z.grad.tolist()}


@check("q27.jac.elementwise-size")
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


if __name__ == "__main__":
    demo_harness.main(__doc__, demo, CHECKS)
