"""The app factory: builds without connecting, starts with a lifespan, answers health checks."""

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chatcal.app import create_app
from chatcal.settings import Settings


def test_creating_the_app_touches_nothing(tmp_path: Path) -> None:
    create_app(Settings(data_dir=tmp_path / "data"))
    assert not (tmp_path / "data").exists()


def test_lifespan_prepares_the_data_dir_and_logs_features(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="chatcal")
    with TestClient(create_app(Settings(data_dir=tmp_path / "data"))) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert (tmp_path / "data").is_dir()
    assert any("set TELEGRAM_BOT_TOKEN" in record.getMessage() for record in caplog.records)


def test_openapi_is_published(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        schema = client.get("/openapi.json").json()
    assert "/healthz" in schema["paths"]
