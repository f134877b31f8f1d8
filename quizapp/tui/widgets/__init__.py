"""Reusable widgets that report through messages and never touch the store."""
