"""Offline evaluation: gold sets, pure metrics, runs over the engine, text and HTML reports."""
