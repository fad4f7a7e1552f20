"""ASGI entry point for uvicorn (`app.web.main:app`); settings come from SIJILL_* variables."""
from app.web.app import create_app

app = create_app()
