"""Eigenvalues of a symmetric 2x2 matrix: closed form against ``torch.linalg.eigh``.

For [[a, b], [b, c]] the eigenvalues are (a + c)/2 -/+ sqrt(((a - c)/2)^2 + b^2): their sum is
the trace and their product the determinant. ``eigh`` returns them in ascending order with
orthonormal eigenvectors, which is what a Hessian's curvature along each direction means.

    python q28_eigen.py [--device auto|cpu|cuda|mps]   (demo_harness.py: the options)
"""

from __future__ import annotations

import cmath
import math

import demo_harness
import numpy as np
import torch
from torch.autograd.functional import hessian

CHECKS: dict[str, demo_harness.Check] = {}
check = demo_harness.registry(CHECKS)

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


def eig_general_scratch(a: float, b: float, c: float, d: float) -> list[complex]:
    """Eigenvalues of [[a, b], [c, d]], largest first: (a+d)/2 +/- sqrt((a-d)^2/4 + bc)."""
    root = cmath.sqrt((a - d) ** 2 / 4 + b * c)
    return [(a + d) / 2 + root, (a + d) / 2 - root]


def eigvals_torch(rows: list[list[float]], device: torch.device) -> torch.Tensor:
    """``torch.linalg.eigvals`` of a general matrix (complex), on the CPU for mps."""
    run_on = torch.device("cpu") if device.type == "mps" else device
    return torch.linalg.eigvals(torch.tensor(rows, dtype=torch.float64, device=run_on))


@check("q28.eig.2x2-symmetric")
def check_symmetric(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Both eigenvalues of [[a, b], [b, d]], largest first."""
    a, b, d = p["a"], p["b"], p["d"]
    return {
        "from scratch": eig_scratch(a, b, d)[::-1],
        "torch API": eig_torch(a, b, d, device)[0][::-1],
    }


@check("q28.eig.2x2-general")
def check_general(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Both (real) eigenvalues of [[a, b], [c, d]], largest first."""
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    values = eigvals_torch([[a, b], [c, d]], device)
    return {
        "from scratch": [v.real for v in eig_general_scratch(a, b, c, d)],
        "torch API": sorted(values.real.tolist(), reverse=True),
    }


@check("q28.eig.det-product")
def check_det_product(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Product of the eigenvalues (complex ones included) of [[a, b], [c, d]]."""
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    lam1, lam2 = eig_general_scratch(a, b, c, d)
    values = eigvals_torch([[a, b], [c, d]], device)
    print(
        f"  eigenvalues: {values.tolist()}; det by torch.linalg.det: "
        f"{torch.linalg.det(torch.tensor([[a, b], [c, d]], dtype=torch.float64)).item():.4f}"
    )
    return {"from scratch": (lam1 * lam2).real, "torch API": torch.prod(values).real.item()}


@check("q28.pca.explained-variance")
def check_explained_variance(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Variance share of the first principal component of a covariance with eigenvalues a, b, c."""
    values = torch.tensor([p["a"], p["b"], p["c"]], dtype=torch.float64)
    rotation, _ = torch.linalg.qr(
        torch.randn(3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    )
    cov = rotation @ torch.diag(values) @ rotation.T  # a covariance that hides its eigenvalues
    found = torch.linalg.eigvalsh(cov)
    return {
        "from scratch": p["a"] / (p["a"] + p["b"] + p["c"]),
        "torch API": (found.max() / torch.trace(cov)).item(),
    }


@check("q28.pca.cov-2x2")
def check_cov_2x2(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Variance share of the first PC for variances a, d and covariance b."""
    a, b, d = p["a"], p["b"], p["d"]
    values, _ = eig_torch(a, b, d, device)
    return {"from scratch": eig_scratch(a, b, d)[1] / (a + d), "torch API": values[1] / sum(values)}


@check("q28.eig.condition-number")
def check_condition_number(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """lambda_max / lambda_min of the Hessian [[a, b], [b, d]], with ``torch.linalg.cond``."""
    a, b, d = p["a"], p["b"], p["d"]
    lo, hi = eig_scratch(a, b, d)
    cond = torch.linalg.cond(torch.tensor([[a, b], [b, d]], dtype=torch.float64)).item()
    return {"from scratch": hi / lo, "torch API": cond}


@check("q28.eig.gd-max-lr")
def check_gd_max_lr(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Largest stable GD learning rate, 2 / lambda_max, for a Hessian with lambda_max = L.

    Builds a quadratic with that curvature, reads lambda_max from its autograd Hessian, and runs
    gradient descent just below and just above 2 / lambda_max to show the cliff."""
    big = p["L"]
    curvature = torch.tensor([big, big / 10], dtype=torch.float64)

    def loss(w: torch.Tensor) -> torch.Tensor:
        return 0.5 * (curvature * w**2).sum()

    w0 = torch.ones(2, dtype=torch.float64)
    lr_max = 2 / torch.linalg.eigvalsh(hessian(loss, w0)).max().item()
    for factor in (0.95, 1.05):
        w = w0.clone().requires_grad_(True)
        for _ in range(100):
            (grad,) = torch.autograd.grad(loss(w), w)
            w = (w - factor * lr_max * grad).detach().requires_grad_(True)
        print(f"  lr = {factor} x 2/lambda_max: loss after 100 steps {loss(w).item():.3g}")
    return {"from scratch": 2 / big, "torch API": lr_max}


if __name__ == "__main__":
    demo_harness.main(__doc__, demo, CHECKS)
