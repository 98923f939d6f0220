"""Cold start: how long `import main` takes (a function instance's first request pays it).

Runs `python -X importtime -c "import main"` several times in fresh processes and prints the
median total, next to a bare `python -c pass` start-up measured the same way. Not a test.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import merge  # noqa: E402

RUNS = 7


def _wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - start


def _import_us() -> int:
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import main"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    line = next(line for line in err.splitlines() if line.rstrip().endswith("| main"))
    return int(line.split("|")[1])


def main() -> int:
    bare = statistics.median(_wall("pass") for _ in range(RUNS))
    with_main = statistics.median(_wall("import main") for _ in range(RUNS))
    cumulative = statistics.median(_import_us() for _ in range(RUNS)) / 1e6
    results = {
        "import_main_s": round(cumulative, 3),
        "process_with_main_s": round(with_main, 3),
        "bare_process_s": round(bare, 3),
        "main_vs_bare": round(with_main / bare, 2),
    }
    merge(results)
    for key, value in results.items():
        print(f"{key:<22}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
