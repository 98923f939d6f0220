"""Media: a video described as data, turned into ffmpeg filter graphs, rendered by one runner.

    spec/     what the video is: Timeline (scenes, visuals, words, brand kit), Ken Burns motion,
              where every scene sits on the frame grid, the segment plan        (pure data)
    graph/    ffmpeg commands built from a spec: the picture (lanes, Ken Burns, stills,
              transitions, logo), the soundtrack, the one-pass and segment commands (pure)
    text/     captions: cues and line breaks per script, fonts, SRT/VTT/ASS, a segment's ASS
    render/   the one runner, assemble(): prepares (cards, captions, measurements), runs ffmpeg
              in one pass or in cached segments, checks the result, draws the thumbnail
    sources/  files that go into a timeline from elsewhere: uploads sniffed and probed,
              narration written as WAV, the ambient music bed

Media imports only common.domain and itself: storage, providers and services stay out (a
segment cache reaches the runner as two functions).
"""
