"""A sandbox Ladok (feed + REST look-ups) for tests and `kursadmin demo`; shares no code with app.ladok."""

from app.sandbox.ladok.sandbox import SandboxLadok

__all__ = ["SandboxLadok"]
