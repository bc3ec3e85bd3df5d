"""Documents: their tables, the use cases of the staff (create, update, issue, cancel, amend,
expire — one module each), their queries, and the staff's document pages."""
