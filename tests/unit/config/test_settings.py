"""Settings fail fast: weak production secrets, bad URLs and impossible setups refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from dargah.config import Settings


def test_postgres_urls_are_routed_through_psycopg() -> None:
    for url in ("postgres://u@h/db", "postgresql://u@h/db"):
        assert Settings(database_url=url).database_url == "postgresql+psycopg://u@h/db"


def test_unknown_database_is_refused() -> None:
    with pytest.raises(ValidationError, match="database_url"):
        Settings(database_url="mysql://root@localhost/db")


@pytest.mark.parametrize("secret", ["change-me", "dev-only-secret-key-not-for-production", "short"])
def test_production_refuses_weak_secrets(secret: str) -> None:
    with pytest.raises(ValidationError, match="DARGAH_SECRET_KEY"):
        Settings(environment="production", secret_key=SecretStr(secret))


def test_production_accepts_a_real_secret() -> None:
    settings = Settings(environment="production", secret_key=SecretStr("x7" * 20))
    assert settings.environment == "production"


def test_several_workers_need_postgres_in_production() -> None:
    with pytest.raises(ValidationError, match="PostgreSQL"):
        Settings(environment="production", secret_key=SecretStr("x7" * 20), workers=4)


def test_environment_wins_over_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "dargah.toml"
    config.write_text('[dargah]\nport = 9001\nlog_level = "DEBUG"\n', encoding="utf-8")
    monkeypatch.setenv("DARGAH_CONFIG_FILE", str(config))
    monkeypatch.setenv("DARGAH_PORT", "9002")
    settings = Settings()
    assert settings.port == 9002
    assert settings.log_level == "DEBUG"


def test_unknown_settings_in_the_file_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "dargah.toml"
    config.write_text("[dargah]\nprot = 9001\n", encoding="utf-8")
    monkeypatch.setenv("DARGAH_CONFIG_FILE", str(config))
    with pytest.raises(ValidationError, match="prot"):
        Settings()
