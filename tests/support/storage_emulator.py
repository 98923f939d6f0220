"""Session fixture that runs the storage_emulator stand-in for tests (to be filled in)."""
