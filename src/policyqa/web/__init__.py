"""The chat page and JSON API (FastAPI + Jinja2): ``app.create_app`` builds it,
``server.serve`` runs it."""
