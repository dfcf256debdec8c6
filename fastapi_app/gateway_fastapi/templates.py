"""Jinja2 templates; Starlette turns autoescaping on for .html files."""

from pathlib import Path

from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
