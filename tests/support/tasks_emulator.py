"""Session fixture that runs the tasks_emulator stand-in for tests (to be filled in)."""
