"""Choosing a font that has a glyph for every character of the captions or the title.

Rendering text with a font that lacks its glyphs draws empty boxes ("tofu"), which is worse than
failing: so the font is chosen by its coverage, read once from fontconfig (`fc-list`), and text
no installed font covers is an error that names the characters and the package to install.
Pictographs (emoji, symbols) that no font covers are dropped instead, with a warning.
"""

from __future__ import annotations

import bisect
import functools
import logging
import shutil
import subprocess
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from common.domain.errors import MediaError

log = logging.getLogger(__name__)

# Tried first, in this order; any other installed family comes after them.
PREFERRED_FAMILIES = (
    "DejaVu Sans",
    "Noto Sans",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Noto Sans CJK TC",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
)
# After the preferred families: Noto's plain sans for one script ("Noto Sans Thai", not "Noto
# Looped Thai" or "Noto Serif Thai"), which reads best at caption size.
_SCRIPT_SANS = "Noto Sans "
FONT_PACKAGE_HINT = (
    "install the fonts in infra/fonts.txt (`make fonts`, or `bash infra/scripts/install-fonts.sh`)"
)
_REGULAR_WEIGHT, _BOLD_WEIGHT = 80, 200  # fontconfig weights
_IGNORED = {"Cc", "Cf", "Zl", "Zp"}  # control and format characters need no glyph


@dataclass(frozen=True)
class FontFace:
    """One installed family: its name (for libass) and files (for Pillow and fontsdir)."""

    family: str
    regular: Path
    bold: Path | None
    ranges: tuple[tuple[int, int], ...]

    def covers(self, char: str) -> bool:
        """Whether the family's regular face has a glyph for `char`."""
        code = ord(char)
        i = bisect.bisect_right(self.ranges, (code, 0x10FFFF + 1)) - 1
        return i >= 0 and self.ranges[i][0] <= code <= self.ranges[i][1]

    @property
    def files(self) -> list[Path]:
        """The face files, regular first."""
        return [self.regular] + ([self.bold] if self.bold and self.bold != self.regular else [])


def needs_glyph(char: str) -> bool:
    """Whether `char` is drawn at all (spaces and joiners are not looked up in fonts)."""
    return not char.isspace() and unicodedata.category(char) not in _IGNORED


@functools.lru_cache(maxsize=1)
def installed_fonts() -> tuple[FontFace, ...]:
    """Every installed family with a regular face, preferred families first (cached: slow)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise MediaError(f"fontconfig's fc-list is not installed; {FONT_PACKAGE_HINT}")
    fmt = "%{family[0]}\t%{file}\t%{weight}\t%{slant}\t%{width}\t%{charset}\n"
    try:
        out = subprocess.run(
            [fc_list, "--format", fmt], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise MediaError(f"fc-list failed: {exc}") from exc
    return _parse_fc_list(out)


def _parse_fc_list(out: str) -> tuple[FontFace, ...]:
    """Group fc-list lines into families, keeping the upright normal-width regular/bold faces."""
    faces: dict[str, dict[str, tuple[float, Path, str]]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 6 or not parts[0]:
            continue
        family, file, weight, slant, width, charset = parts
        if _number(slant) != 0 or _number(width) not in (0, 100):
            continue  # italics and condensed faces would make captions look odd
        w = _number(weight)
        for role, target in (("regular", _REGULAR_WEIGHT), ("bold", _BOLD_WEIGHT)):
            best = faces.setdefault(family, {}).get(role)
            distance = abs(w - target)
            if best is None or distance < best[0]:
                faces[family][role] = (distance, Path(file), charset)
    found = []
    for family, roles in faces.items():
        regular = roles["regular"]
        bold = roles["bold"]
        found.append(
            FontFace(
                family=family,
                regular=regular[1],
                bold=bold[1] if bold[0] <= 40 else None,  # no real bold: libass fakes one
                ranges=_parse_charset(regular[2]),
            )
        )

    def rank(face: FontFace) -> tuple[int, str]:
        if face.family in PREFERRED_FAMILIES:
            return PREFERRED_FAMILIES.index(face.family), face.family
        plain = face.family.startswith(_SCRIPT_SANS) and "Mono" not in face.family
        return (50 if plain else 99), face.family

    return tuple(sorted(found, key=rank))


def _number(value: str) -> float:
    try:
        return float(value.split()[0].strip("[]"))
    except (ValueError, IndexError):
        return 0.0


def _parse_charset(charset: str) -> tuple[tuple[int, int], ...]:
    """fontconfig's charset ("20-7e a0-17f 192 ...", hex) as sorted inclusive ranges."""
    ranges = []
    for token in charset.split():
        lo, _, hi = token.partition("-")
        try:
            ranges.append((int(lo, 16), int(hi or lo, 16)))
        except ValueError:
            continue
    return tuple(sorted(ranges))


def choose_fonts(text: str, fonts: tuple[FontFace, ...] | None = None) -> list[FontFace]:
    """Families that together cover every drawn character of `text`, the main one first.

    The main family covers the most characters (the preferred one on a tie); each further
    family covers some of what is left (e.g. DejaVu Sans for Latin digits in Chinese text set
    in Droid Sans Fallback, which has no Latin). Raises MediaError naming the characters no
    installed font covers.
    """
    fonts = installed_fonts() if fonts is None else fonts
    if not fonts:
        raise MediaError(f"no fonts are installed; {FONT_PACKAGE_HINT}")
    left = sorted({c for c in text if needs_glyph(c)})
    missing = [c for c in left if not any(f.covers(c) for f in fonts)]
    if missing:
        shown = " ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:12])
        raise MediaError(f"no installed font covers these characters: {shown}; {FONT_PACKAGE_HINT}")
    chosen = [max(fonts, key=lambda f: sum(f.covers(c) for c in left))]
    left = [c for c in left if not chosen[0].covers(c)]
    while left:
        best = max(fonts, key=lambda f: sum(f.covers(c) for c in left))
        chosen.append(best)
        left = [c for c in left if not best.covers(c)]
    return chosen


def font_runs(text: str, faces: list[FontFace]) -> list[tuple[str, FontFace]]:
    """`text` cut into runs drawn with one face each (spaces stay with the run before them)."""
    runs: list[tuple[str, FontFace]] = []
    for c in text:
        face = next((f for f in faces if f.covers(c)), faces[0])
        if runs and (runs[-1][1] is face or not needs_glyph(c)):
            runs[-1] = (runs[-1][0] + c, runs[-1][1])
        else:
            runs.append((c, face))
    return runs


def drop_uncovered_symbols(text: str, fonts: tuple[FontFace, ...] | None = None) -> str:
    """`text` without emoji and symbols that no installed font can draw (logged).

    Letters and digits are kept even when uncovered: choose_fonts then fails loudly for them,
    because silently dropping words would change what the captions say.
    """
    fonts = installed_fonts() if fonts is None else fonts
    kept, dropped = [], []
    for c in text:
        pictograph = unicodedata.category(c) in ("So", "Sk", "Cs", "Co") or c == "\ufe0f"
        if pictograph and needs_glyph(c) and not any(f.covers(c) for f in fonts):
            dropped.append(c)
        else:
            kept.append(c)
    if dropped:
        log.warning("dropping symbols no installed font covers: %s", " ".join(sorted(set(dropped))))
    return "".join(kept)


def drawable_scripts(
    samples: Mapping[str, str], fonts: tuple[FontFace, ...] | None = None
) -> frozenset[str]:
    """The scripts (keys of `samples`) whose sample line the installed fonts draw every
    character of; none when fontconfig is missing."""
    try:
        fonts = installed_fonts() if fonts is None else fonts
    except MediaError:
        return frozenset()
    return frozenset(
        script
        for script, sample in samples.items()
        if all(any(f.covers(c) for f in fonts) for c in sample if needs_glyph(c))
    )


def main() -> int:
    """Check that the installed fonts draw every script the font packages declare (the
    assembly image's build runs this): print each script's families, exit 1 if one is missing."""
    from common.domain.languages import FONT_SCRIPTS, SCRIPT_SAMPLES

    drawn = drawable_scripts(SCRIPT_SAMPLES)
    for script in sorted(FONT_SCRIPTS):
        if script in drawn:
            families = ", ".join(f.family for f in choose_fonts(SCRIPT_SAMPLES[script]))
            print(f"{script}: {families}")
        else:
            print(f"{script}: MISSING; {FONT_PACKAGE_HINT}")
    return 0 if drawn >= FONT_SCRIPTS else 1


if __name__ == "__main__":
    raise SystemExit(main())
