"""Where a job's time went: its trace kept with it, spans around provider calls and ffmpeg runs,
and the job metrics (latency and failures by stage, cost per video)."""
