"""Four painters, one canvas: tiny text-conditional image generators on a procedural toy world."""

__version__ = "0.1.0"
