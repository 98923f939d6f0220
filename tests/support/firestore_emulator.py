"""Session fixture that runs the firestore_emulator stand-in for tests (to be filled in)."""
