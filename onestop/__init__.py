"""onestop: the commune one-stop counter application (domain core, services, sync, config, CLI)."""

__version__ = "0.1.0"
