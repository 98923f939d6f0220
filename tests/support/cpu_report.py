"""Where the suite's CPU goes: a pytest plugin that charges every test the CPU seconds it cost,
its own and its processes' (ffmpeg, espeak, a served instance, the emulators, Chromium).

Wall time says little on a shared 2-core machine (the same module took 60 s at load 2 and 400 s
at load 20); CPU seconds barely move with load, so they are what a speed change is judged by.
Enable it with `-p tests.support.cpu_report` and name a folder with `STORYGENIUS_CPU_REPORT`
(default `out/cpu`): each process (each xdist worker) writes one JSON line per test there, and
`python -m tests.support.cpu_report [folder]` sums them per module, and
`python -m tests.support.cpu_report --timeline [folder]` shows what each worker ran when, and
`--costs [folder]` writes the costs that order a parallel run (tests/support/scheduling.py).

A test's cost is this process's CPU (every thread) plus that of its child processes: those it
waited for (ffmpeg runs) from getrusage, and those still running (a session's emulator, a served
instance) read from /proc, so a long-lived helper is charged to the tests that kept it busy, and
its start-up to the test that first asked for it.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

_TICKS = os.sysconf("SC_CLK_TCK")


def _descendants_cpu(root: int) -> float:
    """CPU seconds of the live descendants of `root` (with what they waited for themselves)."""
    children: dict[int, list[int]] = defaultdict(list)
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                raw = stat.read().decode()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        pid = int(entry.name)
        children[int(fields[1])].append(pid)
        # utime, stime, cutime, cstime (fields 14-17 of proc(5), here from the state field on).
        cpu[pid] = sum(int(value) for value in fields[11:15]) / _TICKS
    total, todo = 0.0, list(children.get(root, ()))
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(children.get(pid, ()))
    return total


def _cpu_now() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    waited = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime
    return reaped + _descendants_cpu(os.getpid())


class _Recorder:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.out = (folder / f"{self.worker}-{os.getpid()}.jsonl").open("a", encoding="utf-8")
        self.started = _cpu_now()
        self.started_at = time.time()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        cpu, wall, start = _cpu_now(), time.monotonic(), time.time()
        yield
        line = {
            "nodeid": item.nodeid,
            "module": item.nodeid.split("::")[0],
            "cpu_s": round(_cpu_now() - cpu, 3),
            "wall_s": round(time.monotonic() - wall, 3),
            "load1": os.getloadavg()[0],
            "worker": self.worker,
            "start": round(start, 3),
        }
        self.out.write(json.dumps(line) + "\n")
        self.out.flush()

    def pytest_sessionfinish(self) -> None:
        # Whatever the session's own teardown costs after the last test (emulators stopping).
        line = {"nodeid": "<session>", "module": "<session>", "cpu_s": 0.0, "wall_s": 0.0}
        line["total_cpu_s"] = round(_cpu_now() - self.started, 3)
        line |= {"worker": self.worker, "start": round(self.started_at, 3)}
        line["end"] = round(time.time(), 3)
        self.out.write(json.dumps(line) + "\n")
        self.out.close()


def pytest_configure(config: pytest.Config) -> None:
    folder = Path(os.environ.get("STORYGENIUS_CPU_REPORT", "out/cpu"))
    config.pluginmanager.register(_Recorder(folder), "storygenius-cpu-report")


def summarize(folder: Path, top: int = 60) -> str:
    """Per module: CPU seconds, wall seconds, tests; heaviest first, then the total."""
    cpu: dict[str, float] = defaultdict(float)
    wall: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    loads: list[float] = []
    for path in sorted(folder.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = json.loads(raw)
            if line["module"] == "<session>":
                continue
            cpu[line["module"]] += line["cpu_s"]
            wall[line["module"]] += line["wall_s"]
            count[line["module"]] += 1
            loads.append(line["load1"])
    rows = sorted(cpu, key=cpu.__getitem__, reverse=True)
    lines = [f"{'cpu_s':>8} {'wall_s':>8} {'tests':>5}  module"]
    lines += [f"{cpu[m]:8.1f} {wall[m]:8.1f} {count[m]:5d}  {m}" for m in rows[:top]]
    mean_load = sum(loads) / len(loads) if loads else 0.0
    lines.append(
        f"{sum(cpu.values()):8.1f} {sum(wall.values()):8.1f} {sum(count.values()):5d}  "
        f"total ({len(rows)} modules; load average while testing {mean_load:.1f})"
    )
    return "\n".join(lines)


def timeline(folder: Path) -> str:
    """Per worker, in seconds from the earliest start: when it started, ran its first test and
    finished; then each module's span on it (start, wall, CPU), and how long the last worker
    ran alone at the end (the tail a better hand-out would shorten)."""
    sessions: dict[str, dict[str, float]] = {}
    spans: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for path in sorted(folder.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = json.loads(raw)
            if "start" not in line:
                continue
            worker = line["worker"]
            if line["module"] == "<session>":
                sessions[worker] = {"start": line["start"], "end": line["end"]}
                continue
            end = line["start"] + line["wall_s"]
            span = spans[worker].setdefault(line["module"], [line["start"], end, 0.0])
            span[0], span[1] = min(span[0], line["start"]), max(span[1], end)
            span[2] += line["cpu_s"]
    if not spans:
        return "no timeline in this folder (written before the plugin recorded start times)"
    origin = min(min(s[0] for s in mods.values()) for mods in spans.values())
    origin = min([origin, *(s["start"] for s in sessions.values())])
    lines = [f"{'worker':8} {'started':>8} {'1st test':>8} {'last end':>8} {'session end':>11}"]
    last_ends = {}
    for worker in sorted(set(spans) | set(sessions)):
        session = sessions.get(worker, {"start": origin, "end": origin})
        started, ended = session["start"] - origin, session["end"] - origin
        if worker not in spans:  # xdist's controller: it starts the workers, runs no test
            lines.append(f"{worker:8} {started:8.1f} {'':8} {'':8} {ended:11.1f}")
            continue
        first = min(s[0] for s in spans[worker].values()) - origin
        last_ends[worker] = max(s[1] for s in spans[worker].values()) - origin
        lines.append(
            f"{worker:8} {started:8.1f} {first:8.1f} {last_ends[worker]:8.1f} {ended:11.1f}"
        )
    ordered = sorted(last_ends.values())
    if len(ordered) > 1:
        lines.append(f"the last worker ran alone for {ordered[-1] - ordered[-2]:.1f} s at the end")
    for worker in sorted(spans):
        lines.append(f"{worker}: {'start':>7} {'wall_s':>7} {'cpu_s':>7}  module")
        for module, (start, end, cpu) in sorted(spans[worker].items(), key=lambda kv: kv[1][0]):
            at, wall = start - origin, end - start
            lines.append(f"{'':{len(worker) + 1}} {at:7.1f} {wall:7.1f} {cpu:7.1f}  {module}")
    return "\n".join(lines)


def costs(folder: Path) -> str:
    """CPU seconds per module as JSON: tests/support/module_costs.json, which orders the work
    units of a parallel run (tests/support/scheduling.py)."""
    cpu: dict[str, float] = defaultdict(float)
    for path in sorted(folder.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = json.loads(raw)
            if line["module"] != "<session>":
                cpu[line["module"]] += line["cpu_s"]
    return json.dumps({m: round(cpu[m], 1) for m in sorted(cpu)}, indent=1) + "\n"


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--timeline"]:
        print(timeline(Path(args[1] if len(args) > 1 else "out/cpu")))
    elif args[:1] == ["--costs"]:
        print(costs(Path(args[1] if len(args) > 1 else "out/cpu")), end="")
    else:
        print(summarize(Path(args[0] if args else "out/cpu")))
