"""Signing on paper (issue 14 §2): the sheet's code, the sheet itself, the scan brought back."""
