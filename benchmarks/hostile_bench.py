"""``quizzer bank check`` on hostile banks: wall time and peak memory of the whole command.

The issue's budget is 5 s and 200 MB on a YAML alias bomb; a plain one-question bank is the
same-run baseline (what starting quizzer costs anyway).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECALL = "  topic: t\n  prompt: p\n  answer: {kind: recall}\n"
PEAK = (
    "import os, resource, runpy, sys\n"
    "sys.argv = ['quizzer', 'bank', 'check', sys.argv[1]]\n"
    "def peak():\n"
    "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
    "    print('peak', int(hwm[0].split()[1]) if hwm else"
    " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr, flush=True)\n"
    # quizzer ends with os._exit once the command is done (no interpreter teardown)
    "exit_now = os._exit\n"
    "os._exit = lambda status: (peak(), exit_now(status))\n"
    "runpy.run_module('quizzer', run_name='__main__')\n"
)


def alias_bomb() -> str:
    """The 420-byte "billion laughs" used as a question id (9**9 strings expanded)."""
    lines = ['- tags: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join([*lines, "  id: *i", RECALL])


def _check(text: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        bank = Path(tmp) / "bank"
        bank.mkdir()
        (bank / "b.yaml").write_text(text)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZZER_CACHE": str(Path(tmp) / "c")}
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", PEAK, str(bank)], capture_output=True, text=True, env=env
        )
        elapsed = time.perf_counter() - start
    peak_kb = int(proc.stderr.rsplit("peak", 1)[1].split()[0])
    return elapsed, peak_kb / 1024


def run(quick: bool = False) -> list[dict[str, object]]:
    """Figures for the alias bomb and for a plain one-question bank."""
    plain_s, plain_mb = _check("- id: plain\n" + RECALL)
    bomb_s, bomb_mb = _check(alias_bomb())
    return [
        {
            "name": "bank_check_alias_bomb_s",
            "value": round(bomb_s, 3),
            "unit": "s",
            "baseline": round(plain_s, 3),
            "ratio": round(bomb_s / plain_s, 2),
        },
        {
            "name": "bank_check_alias_bomb_peak_mb",
            "value": round(bomb_mb, 1),
            "unit": "MB",
            "baseline": round(plain_mb, 1),
            "ratio": round(bomb_mb / plain_mb, 2),
        },
    ]


if __name__ == "__main__":
    import json

    for row in run():
        print(json.dumps(row))
