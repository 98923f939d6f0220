"""Language identification offline (py3langid): see detector.py."""
