"""Where credentials and the API address come from: the environment or a `.env` file.

The key names are the ones the official SDK reads, so a machine already set up for the
SDK works unchanged. Keys are `SecretStr`: their repr and str are masked, so a settings
object can be logged or shown in a traceback without leaking them.
"""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BASE_URL = "https://api.futureagi.com"


class UsageError(ValueError):
    """A setting or option that makes the run impossible; the CLI exits 2 with its message."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FI_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    api_key: SecretStr | None = None
    secret_key: SecretStr | None = None
    base_url: str = DEFAULT_BASE_URL
