"""Event management for official conferences in Vietnam."""

__version__ = "0.1.0"
