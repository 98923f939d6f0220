"""The one runner (assemble) and what it runs: ffmpeg, measurements, segments, thumbnail."""
