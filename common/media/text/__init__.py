"""Captions: cues and line breaks for every script, fonts that draw them, SRT/VTT/ASS."""
