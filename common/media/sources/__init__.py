"""Files that go into a timeline from elsewhere: uploads sniffed and probed, WAV, music bed."""
