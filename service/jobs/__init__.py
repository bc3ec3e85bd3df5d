"""Scheduled jobs the worker runs less often than its passes (the archive check)."""
