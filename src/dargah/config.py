"""Typed settings for a Dargah node, read once at start and validated there."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEFAULT_DATABASE_URL = "sqlite:///./var/dargah.sqlite3"
_INSECURE_SECRETS = {"", "change-me", "changeme", "secret", "dargah"}


class _TomlFileSource(PydanticBaseSettingsSource):
    """Reads the optional config file named by ``DARGAH_CONFIG_FILE``.

    Environment variables win over the file, so an operator can override one value
    without editing the file shared by all workers.
    """

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        if path is not None:
            with path.open("rb") as handle:
                self._data = tomllib.load(handle).get("dargah", {})

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)


class Settings(BaseSettings):
    """Every setting of a node. Environment: ``DARGAH_<NAME>``; file: ``[dargah]`` table."""

    model_config = SettingsConfigDict(env_prefix="DARGAH_", extra="forbid")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    database_echo: bool = False
    database_pool_size: int = Field(default=10, ge=1, le=200)
    secret_key: SecretStr = SecretStr("dev-only-secret-key-not-for-production")
    node_member: str = "IR/GOV/MSRT"
    node_name_fa: str = "درگاه تبادل اطلاعات وزارت علوم، تحقیقات و فناوری"
    node_name_en: str = "Information Exchange Gateway of the Ministry of Science"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    session_hours: int = Field(default=8, ge=1, le=24 * 30)
    cookie_secure: bool = False
    metrics_token: SecretStr | None = None
    default_language: Literal["fa", "en"] = "fa"
    check_schema_on_start: bool = True
    # Background jobs: the web process runs one worker thread itself (the embedded setup);
    # PostgreSQL deployments set this false and run `dargah worker` processes instead.
    jobs_in_process: bool = True
    jobs_concurrency: int = Field(default=1, ge=1, le=32)
    jobs_lease_seconds: float = Field(default=60.0, ge=1.0, le=3600.0)
    jobs_poll_seconds: float = Field(default=1.0, gt=0.0, le=60.0)
    # How long a worker may keep what it read of API keys, grants and data sets' active
    # versions (decision 0014): a revocation made elsewhere takes effect within this
    # time; one made through the same worker at once. 0 reads them at every request.
    access_cache_seconds: float = Field(default=2.0, ge=0.0, le=5.0)
    # The statistics dashboard opens on the latest *national* period: the latest whose
    # reporting institutions reach this share of the period most reported (decision 0015).
    statistics_national_share: float = Field(default=0.5, gt=0.0, le=1.0)
    config_file: Path | None = None
    # An Ed25519 private key (PKCS#8 PEM, unencrypted) to sign receipts with, instead of
    # the key the node generates and keeps encrypted in its database.
    signing_key_file: Path | None = None

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        """Accept the URLs operators paste and route PostgreSQL through psycopg 3."""
        value = value.strip()
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        if not (value.startswith("sqlite") or value.startswith("postgresql+psycopg://")):
            raise ValueError("database_url must be a sqlite:/// or postgresql:// URL")
        return value

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> Settings:
        secret = self.secret_key.get_secret_value()
        if self.environment == "production":
            if secret in _INSECURE_SECRETS or secret.startswith("dev-only") or len(secret) < 32:
                raise ValueError(
                    "DARGAH_SECRET_KEY must be set to a random value of at least 32 characters "
                    "in production"
                )
            if self.database_url.startswith("sqlite") and self.workers > 1:
                raise ValueError("several workers need PostgreSQL, not SQLite")
        return self

    @property
    def is_sqlite(self) -> bool:
        """True when the node runs on the embedded SQLite database."""
        return self.database_url.startswith("sqlite")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        import os

        raw = os.environ.get("DARGAH_CONFIG_FILE")
        path = Path(raw) if raw else None
        return (init_settings, env_settings, _TomlFileSource(settings_cls, path))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
