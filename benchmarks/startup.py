"""Start-up benchmarks: process start to the first question on screen, against a bare
Textual hello-world app measured in the same run; the TUI's peak memory; ``--version``.

Each probe is a fresh ``python`` process that runs its app headless and reports the wall
clock time of its first paint (for quizzer: the first paint with the question mounted); the
figure is that time less the time the process was started, the median of several runs with
the two apps interleaved so machine noise hits both alike. Quitting is measured apart
(``benchmarks/interaction.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-03-02T10:00:00+00:00"  # the synthetic database's "now"

HELLO = """
import json, time
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello, world")

    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        print(json.dumps({"painted_at": time.time()}), flush=True)
        self.exit()

Hello().run(headless=True)
"""

# The real entry point (``quizzer`` with no arguments, as a person starts it), run headless
# with Textual's auto-pilot, which notes the first paint after the question is mounted.
QUIZZER = """
import json, resource, sys, time
import quizzer.tui.app as tui

def peak_mb():
    # VmHWM is this program's own peak; ru_maxrss on Linux keeps the parent's from before exec.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

async def script(pilot):
    app, painted = pilot.app, []
    while not (app.screen.query("#prompt") and app.screen.query("#prompt").first().children):
        await pilot.pause(0.002)
    app.call_after_refresh(lambda: painted.append(time.time()))
    while not painted:
        await pilot.pause(0.002)
    heavy = ("sympy", "torch", "sqlmodel", "sqlalchemy", "pydantic")
    print(json.dumps({
        "painted_at": painted[0],
        "rss_mb": peak_mb(),
        "heavy": sorted(m for m in heavy if m in sys.modules),
    }), flush=True)
    app.exit()

run = tui.QuizzerApp.run
tui.QuizzerApp.run = lambda self, **kw: run(self, headless=True, auto_pilot=script)
sys.argv = ["quizzer"]
from quizzer.launcher import main
main()
"""


def _env(db: Path, cache: Path, config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZZER_")}
    return {
        **env,
        "PYTHONPATH": str(ROOT),
        "QUIZZER_DB": str(db),
        "QUIZZER_CACHE": str(cache),
        "QUIZZER_CONFIG": str(config),
        "QUIZZER_NOW": NOW,
    }


def _timed(code: str, env: dict[str, str]) -> tuple[float, dict]:
    """Seconds from starting the process to its first paint, and the probe's report."""
    start = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    if proc.returncode != 0:
        raise RuntimeError(f"probe failed: {proc.stderr.strip()[-2000:]}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return report["painted_at"] - start, report


def startup(db: Path, runs: int) -> tuple[float, float, dict[str, object]]:
    """Median seconds to the first question (quizzer on ``db``) and for the hello-world app,
    and the last quizzer probe's report (peak RSS, heavy modules loaded)."""
    with tempfile.TemporaryDirectory(prefix="quizzer-startup-") as tmp:
        work = Path(tmp)
        config = work / "config.toml"
        # The daily backup runs once a day in a background thread: not part of start-up.
        config.write_text("backups_keep = 0\n")
        copy = work / "quizzer.db"
        shutil.copyfile(db, copy)
        env = _env(copy, work / "cache", config)
        _timed(QUIZZER, env)  # warm the bank cache and the OS file cache
        _timed(HELLO, env)
        ours, hello, report = [], [], {}
        for _ in range(runs):
            elapsed, report = _timed(QUIZZER, env)
            ours.append(elapsed)
            hello.append(_timed(HELLO, env)[0])
    return statistics.median(ours), statistics.median(hello), report


def cli_version(runs: int) -> float:
    """Median wall seconds of ``quizzer --version`` through the console script."""
    script = Path(sys.executable).with_name("quizzer")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "quizzer"]
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([*command, "--version"], capture_output=True, check=True, timeout=60)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def _record(name: str, value: float, unit: str, baseline: float | None = None) -> dict:
    ratio = None if baseline is None else round(value / baseline, 2)
    base = None if baseline is None else round(baseline, 3)
    return {"name": name, "value": round(value, 3), "unit": unit, "baseline": base, "ratio": ratio}


def run(quick: bool, small_db: Path, big_db: Path) -> list[dict]:
    """Every start-up figure: on ``small_db`` (a fresh database), on ``big_db`` (100k cards,
    1M reviews), peak RSS, and ``--version``."""
    runs = 5 if quick else 11
    ours, hello, report = startup(small_db, runs)
    records = [_record("startup_first_question", ours, "s", hello)]
    rss = _record("rss_tui_mb", float(report["rss_mb"]), "MB")  # type: ignore[arg-type]
    rss["heavy_modules_loaded"] = report["heavy"]
    ours_1m, hello_1m, _ = startup(big_db, runs)
    records.append(_record("startup_first_question_1m", ours_1m, "s", hello_1m))
    records.append(rss)
    records.append(_record("cli_version", cli_version(runs), "s"))
    return records
