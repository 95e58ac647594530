"""bfloat16: fp32's range with 8 bits of precision, and what mixed precision really saves.

bf16 keeps fp32's 8 exponent bits and only 7 fraction bits: eps = 2^-7, so small updates to a
bf16 weight vanish (why master weights stay fp32), but it never overflows where fp16 does.
Rounding is written from scratch on the raw bits (numpy) and compared with torch's casts and
``torch.finfo``; autocast matmul error is measured against fp32, and the speed and memory of
bf16 are measured on this machine's device, never assumed.

    python bf16.py [--device auto|cpu|cuda|mps]   (demo_harness.py: the options)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import demo_harness
import numpy as np
import torch
from torch import nn

CHECKS: dict[str, demo_harness.Check] = {}
check = demo_harness.registry(CHECKS)

# --- the math --------------------------------------------------------------------------------


def to_bf16(x: float | np.ndarray) -> np.ndarray:
    """Round fp32 values to bf16 (round to nearest, ties to even) by hand on the raw bits.

    bf16 is the top 16 bits of an fp32; the result is returned as fp32 for printing."""
    bits = np.atleast_1d(np.asarray(x, dtype=np.float32)).view(np.uint32).astype(np.uint64)
    rounding = 0x7FFF + ((bits >> 16) & 1)  # ties go to the even neighbour
    top = ((bits + rounding) >> 16) << 16
    return top.astype(np.uint32).view(np.float32)


def eps_scratch(round_to: Callable[[float], float]) -> float:
    """Machine epsilon by halving until 1 + eps rounds back to 1."""
    eps = 1.0
    while round_to(1.0 + eps / 2) > 1.0:
        eps /= 2
    return eps


ROUNDERS: dict[str, Callable[[float], float]] = {
    "bfloat16": lambda v: float(to_bf16(v)[0]),
    "float16": lambda v: float(np.float16(v)),
    "float32": lambda v: float(np.float32(v)),
    "float64": float,
}
DTYPES = {
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
    "float32": torch.float32,
    "float64": torch.float64,
}


def layout_from_finfo(dtype: torch.dtype) -> list[int]:
    """[sign, exponent, fraction] bits from ``torch.finfo``: fraction via eps, exponent via max."""
    info = torch.finfo(dtype)
    fraction = round(-math.log2(info.eps))
    exponent = round(math.log2(math.ceil(math.log2(info.max)))) + 1
    return [1, exponent, fraction]


def layout_scratch(name: str) -> list[int]:
    """[sign, exponent, fraction] bits found by probing rounding: fraction bits from epsilon."""
    fraction = round(-math.log2(eps_scratch(ROUNDERS[name])))
    total = {"bfloat16": 16, "float16": 16, "float32": 32, "float64": 64}[name]
    return [1, total - 1 - fraction, fraction]


def matmul_seconds(a: torch.Tensor, b: torch.Tensor, repeats: int = 5) -> float:
    """Median wall time of a @ b on the tensors' device."""
    times = []
    for _ in range(repeats + 1):  # the first run warms up kernels
        if a.device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        a @ b
        if a.device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return float(np.median(times[1:]))


def device_name(device: torch.device) -> str:
    """A readable name of the device, for printed measurements."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return "Apple GPU (mps)" if device.type == "mps" else "CPU"


def demo(device: torch.device) -> None:
    """Formats side by side, rounding, overflow, autocast error, and measured speed and memory."""
    print(f"{'dtype':>9} {'bits [s,e,f]':>13} {'eps':>10} {'max':>11} {'smallest normal':>16}")
    for name, dtype in DTYPES.items():
        if name == "float64":
            continue
        info = torch.finfo(dtype)
        print(
            f"{name:>9} {layout_from_finfo(dtype)!s:>13} {info.eps:10.3g} {info.max:11.3g}"
            f" {info.tiny:16.3g}"
        )

    rounded = torch.tensor(1 + 2**-8).to(torch.bfloat16).item()
    print(f"\n1 + 2^-8 in bf16 -> {rounded} (rounding by hand: {to_bf16(1 + 2**-8)[0]})")
    w = torch.tensor(1.0, dtype=torch.bfloat16)
    print(
        f"bf16 weight 1.0 + update 0.001 -> {(w + 0.001).item()}: the update is lost, so"
        " optimizers keep fp32 master weights"
    )
    big, small = torch.tensor(70000.0), torch.tensor(1e-8)
    print(f"70000 in fp16 -> {big.half().item()}, in bf16 -> {big.bfloat16().item()}")
    print(
        f"1e-8  in fp16 -> {small.half().item()}, in bf16 -> {small.bfloat16().item():.3g}"
        " (why fp16 needs loss scaling and bf16 does not)"
    )

    torch.manual_seed(0)
    a = torch.randn(512, 512, device=device)
    b = torch.randn(512, 512, device=device)
    exact = (a.double() @ b.double()).float() if device.type != "mps" else a @ b
    try:
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16):
            mixed = a @ b
        err = ((mixed.float() - exact).norm() / exact.norm()).item()
        print(
            f"\nautocast bf16 matmul: output dtype {mixed.dtype}, relative error vs fp32 {err:.2e}"
        )
    except RuntimeError as exc:  # some backends lack bf16 autocast
        print(f"\nautocast bf16 is not supported on {device}: {exc}")

    print(f"\nMeasured on {device_name(device)}:")
    n = 4096 if device.type != "cpu" else 256  # bf16 matmuls on a CPU are slow
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    t32 = matmul_seconds(a, b)
    t16 = matmul_seconds(a.bfloat16(), b.bfloat16())
    print(
        f"  {n}x{n} matmul: fp32 {t32 * 1e3:.2f} ms, bf16 {t16 * 1e3:.2f} ms,"
        f" speed-up {t32 / t16:.2f}x"
    )
    if device.type == "cpu":
        print("  (bf16 speed-ups come from GPU tensor cores; on a CPU expect none: run on a GPU)")
    act = torch.randn(8, 1024, 1024, device=device)
    print(
        f"  activation 8x1024x1024: fp32 {act.nbytes / 2**20:.0f} MiB, "
        f"bf16 {act.bfloat16().nbytes / 2**20:.0f} MiB"
    )
    if device.type == "cuda":
        print(
            f"  peak CUDA memory so far: {torch.cuda.max_memory_allocated(device) / 2**20:.0f} MiB"
        )


def check_layout(name: str) -> Callable[[dict, torch.device], dict[str, object]]:
    """A check of the [sign, exponent, fraction] bit layout of format ``name``."""

    def check(p: dict[str, float], device: torch.device) -> dict[str, object]:
        return {"from scratch": layout_scratch(name), "torch API": layout_from_finfo(DTYPES[name])}

    return check


@check("bf16.epsilon")
def check_epsilon(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """bf16 machine epsilon: halving by hand vs ``torch.finfo(torch.bfloat16).eps``."""
    return {
        "from scratch": eps_scratch(ROUNDERS["bfloat16"]),
        "torch API": torch.finfo(torch.bfloat16).eps,
    }


@check("bf16.eps-by-fraction-bits")
def check_eps_by_fraction_bits(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Epsilon of the format with ``k`` fraction bits (bf16, fp16, fp32 or fp64)."""
    name = {7: "bfloat16", 10: "float16", 23: "float32", 52: "float64"}[int(p["k"])]
    return {"from scratch": eps_scratch(ROUNDERS[name]), "torch API": torch.finfo(DTYPES[name]).eps}


@check("bf16.next-after")
def check_next_after(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """The next bf16 number above ``x``: raw bits + 1 vs ``torch.nextafter``."""
    bits = np.asarray(to_bf16(p["x"]), dtype=np.float32).view(np.uint32)
    scratch = float((bits + np.uint32(1 << 16)).view(np.float32)[0])
    x = torch.tensor(p["x"], dtype=torch.bfloat16, device=device)
    api = torch.nextafter(x, torch.tensor(math.inf, dtype=torch.bfloat16, device=device)).item()
    return {"from scratch": scratch, "torch API": api}


@check("bf16.swamping")
def check_swamping(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """A bf16 weight ``w`` after adding ``u`` and storing back in bf16."""
    scratch = float(to_bf16(to_bf16(p["w"])[0] + np.float32(p["u"]))[0])
    w = torch.tensor(p["w"], dtype=torch.bfloat16, device=device)
    return {"from scratch": scratch, "torch API": (w + p["u"]).item()}


@check("bf16.fp16-max")
def check_fp16_max(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """Largest finite fp16: the bit pattern 0 11110 1111111111 vs ``torch.finfo``."""
    scratch = float(np.array(0b0_11110_1111111111, dtype=np.uint16).view(np.float16))
    return {"from scratch": scratch, "torch API": torch.finfo(torch.float16).max}


@check("bf16.state-bytes")
def check_state_bytes(p: dict[str, float], device: torch.device) -> dict[str, object]:
    """GB for weights + grads + AdamW state of an ``N``B model in bf16 mixed precision.

    Measures bytes per parameter on a real layer after one AdamW step: fp32 master weights,
    fp32 moments, bf16 working weights and bf16 gradients."""
    layer = nn.Linear(256, 256, bias=False).to(device)
    opt = torch.optim.AdamW(layer.parameters())
    working = layer.weight.detach().bfloat16().requires_grad_(True)
    (torch.randn(4, 256, device=device, dtype=torch.bfloat16) @ working.T).sum().backward()
    layer.weight.grad = working.grad.float()
    opt.step()
    state = opt.state[layer.weight]
    total = (
        layer.weight.nbytes
        + state["exp_avg"].nbytes
        + state["exp_avg_sq"].nbytes
        + working.nbytes
        + working.grad.nbytes
    )
    per_param = total / layer.weight.numel()
    print(f"  measured {per_param:g} bytes per parameter")
    return {
        "from scratch": (4 + 4 + 4 + 2 + 2) * p["N"],
        "torch API": per_param * p["N"],
    }


CHECKS.update(
    {
        "bf16.layout": check_layout("bfloat16"),
        "bf16.fp16-layout": check_layout("float16"),
        "bf16.fp32-layout": check_layout("float32"),
    }
)


if __name__ == "__main__":
    demo_harness.main(__doc__, demo, CHECKS)
