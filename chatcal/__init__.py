"""chatcal: the project package — settings, the CLI and the composition root."""

__version__ = "0.1.0"
