"""The chat page and JSON API (FastAPI + Jinja2); ``create_app`` builds it, ``serve`` runs it."""

from .app import create_app

__all__ = ["create_app"]
