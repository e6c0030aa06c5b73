"""Ladok input: the Atom event feed, the event XML inside it, and REST look-ups (docs/rules.md §3)."""
