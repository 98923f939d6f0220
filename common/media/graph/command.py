"""An ffmpeg command as data: inputs, one filter graph, outputs. Graph builders fill it; the
render runner runs it (common.media.render.ffmpeg.run_ffmpeg); tests read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FfmpegCommand:
    """ffmpeg arguments (without the binary): inputs, one filter graph, the output."""

    inputs: list[list[str]] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)

    @property
    def filter_complex(self) -> str:
        return ";\n".join(self.filters)

    def add_input(self, *args: str) -> int:
        """Append an input (its options then `-i path`) and return its index."""
        self.inputs.append(list(args))
        return len(self.inputs) - 1

    def args(self, graph_file: Path | None = None) -> list[str]:
        """The argument list; with `graph_file`, the graph is passed as that file's path.

        A long timeline's graph can outgrow the kernel's 128 KiB limit on one argument, so
        callers that run it write the graph to a file (ffmpeg reads `-/option` from a file).
        """
        flat = [arg for group in self.inputs for arg in group]
        if graph_file is None:
            return [*flat, "-filter_complex", self.filter_complex, *self.output]
        return [*flat, "-/filter_complex", str(graph_file), *self.output]


def filter_value(value: str) -> str:
    """`value` escaped for use as an option value inside -filter_complex.

    Two levels of unescaping apply: the filter's option parser (quotes keep \\ : and spaces
    literal) and, first, the graph parser (\\ ' [ ] , ; are backslash-escaped for it).
    """
    level1 = "'" + value.replace("'", "'\\''") + "'"
    out = ""
    for ch in level1:
        out += "\\" + ch if ch in "\\'[],;" else ch
    return out
