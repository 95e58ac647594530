"""The demo panel: how long a demo takes to run, first and after the first, against
``python -c "import torch"`` measured in the same run; and the memory of the warm process.

Each figure is what the panel waits for: from asking the runner to start the snippet
(``--expected`` computed, the trust check, the process started or the fork asked for) to
its exit status, every line read. sympy is warmed up first, as it is in the TUI by the time
a person presses ``d``. ``demo_first_run`` starts the warm process (torch imported) and runs
one snippet; the cold run of the same snippet (a fresh ``python snippet.py`` process, the
path with ``demo_warm_seconds = 0``) is given beside it. ``demo_second_run`` is the median
over one question of every shipped snippet, each run once in that process after a pause of
:data:`READ_S` (a person reading the first output), the slowest named beside it; beside it
too, ``rerun_at_once_s``: the first snippet run again the moment it ended, which waits for
the warm process to finish importing what it imports after a first run (``LATER`` in
``demo_server.py``).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.records import compared
from quizzer.bank.loader import Bank, load_bank
from quizzer.bank.params import draw
from quizzer.demos import runner, warm

BANK_DIR = Path(__file__).resolve().parent.parent / "question_bank"
FIRST = "q25.ce.numeric"
WARM_S = 120
READ_S = 3.0


def _import_torch_s() -> float:
    """The anchor: a process that only imports torch."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    return time.perf_counter() - start


def _demo_s(bank: Bank, question_id: str, warm_seconds: float) -> tuple[float, int | None]:
    """Seconds from starting the question's demo to its exit, and its exit status."""
    question = bank.questions[question_id]
    params = draw(question, 0)
    start = time.perf_counter()
    with runner.start(question, BANK_DIR, params, "cpu", warm_seconds=warm_seconds) as run:
        for _ in run.lines():
            pass
    return time.perf_counter() - start, run.returncode


def _rss_mb(pid: int) -> float:
    """The resident memory of process ``pid``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"no VmRSS for process {pid}")


def one_per_snippet(bank: Bank) -> list[str]:
    """The first question (in id order) that links each shipped snippet."""
    chosen: dict[str, str] = {}
    for qid in sorted(bank.questions):
        demo = bank.questions[qid].demo
        if demo is not None and demo not in chosen:
            chosen[demo] = qid
    return list(chosen.values())


def run(quick: bool) -> list[dict]:
    """``demo_first_run`` and ``demo_second_run`` (s, against importing torch) and
    ``demo_warm_idle_rss_mb``."""
    if not runner.torch_available():
        raise RuntimeError("torch is not installed: the demo figures need it")
    bank = load_bank([BANK_DIR])
    runner.expected_for(bank.questions["q30.gelu.derivative"], {})  # sympy loaded, as in the TUI
    reps = 1 if quick else 3
    anchors, colds, firsts, at_once, seconds = [], [], [], [], {}
    for _ in range(reps):  # interleaved, so machine noise hits each alike
        anchors.append(_import_torch_s())
        colds.append(_demo_s(bank, FIRST, 0)[0])
        warm.shutdown()
        firsts.append(_demo_s(bank, FIRST, WARM_S)[0])
        at_once.append(_demo_s(bank, FIRST, WARM_S)[0])
        time.sleep(READ_S)
        for qid in one_per_snippet(bank):
            took, code = _demo_s(bank, qid, WARM_S)
            if code != 0:
                raise RuntimeError(f"the demo of {qid} exited {code}")
            seconds.setdefault(qid, []).append(took)
    server = warm.server_for(sys.executable, WARM_S).pid(timeout=60)
    time.sleep(1.0)  # idle: nothing runs
    rss = _rss_mb(server) if server is not None else None
    warm.shutdown()
    anchor = statistics.median(anchors)
    first = statistics.median(firsts)
    per_snippet = {qid: statistics.median(times) for qid, times in seconds.items()}
    second = statistics.median(per_snippet.values())
    slowest = max(per_snippet, key=per_snippet.__getitem__)
    return [
        compared(
            "demo_first_run",
            first,
            anchor,
            question=FIRST,
            cold_s=round(statistics.median(colds), 3),
        ),
        compared(
            "demo_second_run",
            second,
            anchor,
            snippets=len(per_snippet),
            max_s=round(per_snippet[slowest], 3),
            slowest=slowest,
            rerun_at_once_s=round(statistics.median(at_once), 3),
        ),
        {"name": "demo_warm_idle_rss_mb", "value": rss and round(rss, 1), "unit": "MB"},
    ]


if __name__ == "__main__":
    import json

    for record in run(quick="--quick" in sys.argv):
        print(json.dumps(record))
