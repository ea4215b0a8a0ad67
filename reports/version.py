"""The tool's version: one place, below everything, so that any module may name it."""

__version__ = "0.1.0"
