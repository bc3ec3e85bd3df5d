"""Guessing slowed down per address: failed attempts counted in the database, so every app
process sees the same count (`counts.check`, `counts.count_failure`)."""
