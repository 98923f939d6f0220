"""The offline narrator: espeak-ng with word timings (narrator.py; library.py speaks through
espeak's C API, timing.py times the words)."""

from common.adapters.offline.voice.narrator import EspeakNarrator

__all__ = ["EspeakNarrator"]
