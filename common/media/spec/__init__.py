"""What a video is, as data: the Timeline, Ken Burns motion, the frame grid, the segment plan."""
