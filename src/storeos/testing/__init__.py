"""Test support shipped with the package (a pytest plugin loaded before Django starts)."""
