"""The language tools and the start of `confbot ask`, each beside a baseline of the same run.

    python -m bench.tools

- typo repair: rapidfuzz beside difflib (the standard library) over the sample's vocabulary,
  with the same typos, and whether they found the same words;
- first-use cost of wordfreq, lemminflect and Babel (their tables load once per process);
- `confbot ask` from a cold process beside `python -c pass`. Goal: ready in ≤ 1.5 s.
"""

from __future__ import annotations

import difflib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TYPOS = ["shutle", "lunhc", "brekfast", "keynot", "venitian", "coffe", "mandaly", "hoddie",
         "regstration", "snaks", "shuttel", "breakfst"]  # fmt: skip


def _first_use(statement: str) -> float:
    """Seconds a fresh interpreter spends on one statement (import and first call)."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _wall(args: list[str], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run() -> dict:
    from rapidfuzz import fuzz, process

    from bot.importers import SAMPLE_EVENT, load_file
    from bot.store import Store
    from bot.understanding import Understanding

    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "tools.db"
        store = Store(db)
        load_file(store, SAMPLE_EVENT)
        targets = Understanding(store.load_event_data()).reader.targets
        store.close()
        fast = [
            [
                c
                for c, _, _ in process.extract(
                    w, targets, scorer=fuzz.ratio, limit=2, score_cutoff=70
                )
            ]
            for w in TYPOS
        ]
        slow = [difflib.get_close_matches(w, targets, n=2, cutoff=0.7) for w in TYPOS]
        t0 = time.perf_counter()
        for _ in range(10):
            for w in TYPOS:
                process.extract(w, targets, scorer=fuzz.ratio, limit=4, score_cutoff=70)
        rapid = (time.perf_counter() - t0) / (10 * len(TYPOS))
        t0 = time.perf_counter()
        for _ in range(3):
            for w in TYPOS:
                difflib.get_close_matches(w, targets, n=4, cutoff=0.7)
        diff = (time.perf_counter() - t0) / (3 * len(TYPOS))
        results["typos"] = {
            "vocabulary": len(targets),
            "rapidfuzz_us": round(rapid * 1e6, 1),
            "difflib_us": round(diff * 1e6, 1),
            "speedup": round(diff / rapid, 1),
            "same_best_match": sum(a[:1] == b[:1] for a, b in zip(fast, slow, strict=True)),
            "typos": len(TYPOS),
        }
        results["first_use_ms"] = {
            "wordfreq": round(
                _first_use("import wordfreq; wordfreq.zipf_frequency('late', 'en')") * 1000
            ),
            "lemminflect": round(
                _first_use("import lemminflect; lemminflect.getAllLemmas('staying')") * 1000
            ),
            "babel": round(
                _first_use(
                    "import babel.dates, datetime; babel.dates.format_date(datetime.date.today(), locale='ko')"
                )
                * 1000
            ),
        }
        python = _wall([sys.executable, "-c", "pass"])
        ask = _wall(
            [
                sys.executable,
                "-m",
                "bot",
                "--db",
                str(db),
                "ask",
                "--json",
                "내일 점심 어디서 먹어요?",
            ]
        )
        results["ask_ready"] = {"ask_s": round(ask, 2), "python_s": round(python, 3), "goal_s": 1.5}
    return results


def main() -> None:
    print(json.dumps(run(), indent=2))


if __name__ == "__main__":
    main()
