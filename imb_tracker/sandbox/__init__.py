"""A loopback HTTP server that answers like USPS IV-MTR and apis.usps.com (demo mode and tests)."""

from __future__ import annotations

from .server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USERNAME, Sandbox, SandboxServer

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "Sandbox",
    "SandboxServer",
]
