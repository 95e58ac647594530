"""The shape of a benchmark record that is compared with an anchor of the same run."""

from __future__ import annotations


def compared(name: str, value: float, baseline: float, unit: str = "s", **extra: object) -> dict:
    """``{"name", "value", "unit", "baseline", "ratio", **extra}``, rounded for printing."""
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": round(baseline, 3),
        "ratio": round(value / baseline, 2),
        **extra,
    }
