"""ElevenLabs: the narrator (text to speech with character timestamps)."""
