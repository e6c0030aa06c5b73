"""Serve a sandbox Ladok on a real 127.0.0.1 port, in a background thread."""

from __future__ import annotations

from app.sandbox.serving import serve_in_thread as serve

__all__ = ["serve"]
