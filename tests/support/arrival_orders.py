"""Drive an audio filter graph through libavfilter (PyAV) with its inputs' frames arriving in a
chosen order, as ffmpeg's threaded pipeline may deliver them.

ffmpeg decodes every input on its own thread and pushes each frame into the filter graph when
it is ready, so the order in which a graph sees frames, end-of-stream marks and requests for
output depends on scheduling. A graph whose output must not depend on that order is checked
here against many seeded random orders: each input file is decoded with PyAV (an input given
`-stream_loop -1` is repeated with running timestamps, as ffmpeg does), and every step either
pushes the next frame (or the end) of a random input or pulls what the sink has.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.filter

from common.media.graph.command import FfmpegCommand

_LABELS = re.compile(r"\[([^\]]+)\]")


@dataclass(frozen=True)
class Input:
    path: Path
    loop: bool


def inputs_of(cmd: FfmpegCommand) -> list[Input]:
    """The command's inputs: the file after each `-i`, and whether it loops forever."""
    found = []
    for group in cmd.inputs:
        loop = "-stream_loop" in group and group[group.index("-stream_loop") + 1] == "-1"
        found.append(Input(Path(group[group.index("-i") + 1]), loop))
    return found


def split_chain(chain: str) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """`[a][b]f1=x,f2=y[c]` -> (["a", "b"], [("f1", "x"), ("f2", "y")], ["c"]).

    Commas inside single quotes or after a backslash belong to a filter's arguments.
    """
    head = re.match(r"^((?:\[[^\]]+\])*)", chain)
    tail = re.search(r"((?:\[[^\]]+\])*)$", chain)
    assert head is not None and tail is not None
    body = chain[len(head.group(1)) : len(chain) - len(tail.group(1))]
    filters, current, quoted, escaped = [], "", False, False
    for ch in body:
        if escaped:
            current, escaped = current + ch, False
        elif ch == "\\":
            current, escaped = current + ch, True
        elif ch == "'":
            current, quoted = current + ch, not quoted
        elif ch == "," and not quoted:
            filters.append(current)
            current = ""
        else:
            current += ch
    filters.append(current)
    named = []
    for text in filters:
        name, _, args = text.partition("=")
        named.append((name.split("@")[0], args))
    return _LABELS.findall(head.group(1)), named, _LABELS.findall(tail.group(1))


def decoded_frames(source: Input, seconds: float) -> list[av.AudioFrame]:
    """The file's audio frames; a looping input repeats until `seconds` of it have passed.

    Pushing a frame into a graph only references it, so one decoding serves every run.
    """
    frames: list[av.AudioFrame] = []
    offset = 0
    while True:
        with av.open(str(source.path)) as container:
            rate = container.streams.audio[0].rate
            for frame in container.decode(audio=0):
                assert frame.pts is not None
                frame.pts += offset
                frames.append(frame)
        offset = frames[-1].pts + frames[-1].samples
        if not source.loop or offset / rate >= seconds:
            return frames


class Run:
    """One graph built from `cmd` (its filters must end in [`out`]), fed in one random order."""

    def __init__(
        self, cmd: FfmpegCommand, out: str, decoded: dict[int, list[av.AudioFrame]]
    ) -> None:
        self.graph = av.filter.Graph()
        self.sources: dict[int, Any] = {}
        self.pending: dict[int, list[av.AudioFrame | None]] = {}
        pads: dict[str, tuple[Any, int]] = {}
        for k, frames in decoded.items():
            first = frames[0]
            self.sources[k] = self.graph.add_abuffer(
                format=first.format.name,
                sample_rate=first.sample_rate,
                layout=first.layout.name,
                time_base=first.time_base or Fraction(1, first.sample_rate),
            )
            self.pending[k] = [*frames, None]
            pads[f"{k}:a"] = (self.sources[k], 0)
        for chain in cmd.filters:
            ins, filters, outs = split_chain(chain)
            first_node = last_node = None
            for name, args in filters:
                node = self.graph.add(name, args) if args else self.graph.add(name)
                if last_node is not None:
                    last_node.link_to(node, 0, 0)
                first_node = first_node or node
                last_node = node
            for i, label in enumerate(ins):
                node, index = pads.pop(label)
                node.link_to(first_node, index, i)
            for j, label in enumerate(outs):
                pads[label] = (last_node, j)
        self.sink = self.graph.add("abuffersink")
        node, index = pads.pop(out)
        node.link_to(self.sink, index, 0)
        assert not pads, f"labels nothing reads: {sorted(pads)}"
        self.graph.configure()

    def samples(self, rng: random.Random, pull_share: float = 0.3) -> int:
        """Feed the inputs in an order drawn from `rng`; the samples the sink gave before its
        end."""
        got = 0
        while True:
            live = [k for k, queue in self.pending.items() if queue]
            if not live or rng.random() < pull_share:
                try:
                    while True:
                        got += self.sink.pull().samples
                except BlockingIOError:  # the sink needs more input
                    if not live:
                        raise AssertionError("the graph stalled with every input ended") from None
                    continue
                except EOFError:
                    return got
            k = rng.choice(live)
            frame = self.pending[k].pop(0)
            try:
                self.sources[k].push(frame)
            except EOFError:  # the graph closed this input (it has all it wants)
                self.pending[k] = []


def lengths_over_orders(cmd: FfmpegCommand, out: str, seconds: float, seeds: int) -> set[int]:
    """The sample counts the graph gave over `seeds` random arrival orders."""
    decoded = {k: decoded_frames(source, seconds) for k, source in enumerate(inputs_of(cmd))}
    return {Run(cmd, out, decoded).samples(random.Random(seed)) for seed in range(seeds)}
