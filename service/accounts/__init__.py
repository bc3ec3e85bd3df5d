"""Schools and their staff: tables, passwords, API tokens, login sessions, CSRF, and the account
and staff pages."""
