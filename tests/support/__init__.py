"""Helpers the tests run in child processes."""
