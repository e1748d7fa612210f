"""Authentication: login with lockout, password change, API tokens."""
