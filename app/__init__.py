"""Sijill (سجل): a searchable archive of Arabic reports on armed conflict."""

__version__ = "0.1.0"
