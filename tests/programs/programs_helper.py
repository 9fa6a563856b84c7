"""Imported by runs_main.py from its own directory, as python FILE.py allows."""

ANSWER = 42
