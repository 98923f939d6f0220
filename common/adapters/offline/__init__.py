"""Offline providers: deterministic, no network, no keys.

writer/ (the script writer), painter/ (the image generator), voice/ (the espeak-ng narrator),
kenburns.py (the video generator: Ken Burns motion over the keyframe). Their tables are data
files in each package's data/ folder, read when first needed.
"""
