"""Dates: publication dates with their basis, and dates mentioned in report text."""
