"""Bring a database to the newest schema with the Alembic migrations shipped in ``migrations``."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from migrations import LOCATION


def alembic_config(url: str) -> Config:
    """An Alembic config for ``url`` without an ini file, so it works from any directory."""
    config = Config()
    config.set_main_option("script_location", str(LOCATION))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration to ``engine``'s database."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
