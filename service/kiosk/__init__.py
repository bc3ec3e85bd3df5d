"""Signing in person on the school's device (issue 14 §1)."""
