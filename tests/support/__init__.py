"""Support code for the tests (no tests here)."""
