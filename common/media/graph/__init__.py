"""Pure functions from a spec to ffmpeg commands: picture, soundtrack, one pass, segments."""
