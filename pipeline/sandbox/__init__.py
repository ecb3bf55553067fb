"""A faithful local emulator of the Future AGI annotation-labels API, with fault dials."""

from pipeline.sandbox.app import create_app
from pipeline.sandbox.config import DEMO_API_KEY, DEMO_SECRET_KEY, Organisation, SandboxConfig
from pipeline.sandbox.server import SandboxHandle, running_sandbox, serve_until_stopped

__all__ = [
    "DEMO_API_KEY",
    "DEMO_SECRET_KEY",
    "Organisation",
    "SandboxConfig",
    "SandboxHandle",
    "create_app",
    "running_sandbox",
    "serve_until_stopped",
]
