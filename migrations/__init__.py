"""Alembic migrations, shipped as a package so an installed chatcal can migrate its database."""

from pathlib import Path

LOCATION = Path(__file__).parent
