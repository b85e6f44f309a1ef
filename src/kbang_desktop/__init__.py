"""Kbang Desktop: records of the 'building a learning society' programme."""

__version__ = "0.1.0"
