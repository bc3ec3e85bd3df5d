"""Verifying a PDF: what it proves and what our records say (`checks`), for the public page, the
API and `cosigne verify`."""
