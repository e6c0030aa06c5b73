"""Faithful in-process emulators of Canvas, Ladok and an LTI platform, for tests and `kursadmin demo`."""
