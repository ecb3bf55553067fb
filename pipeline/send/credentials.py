"""Where the API is and who we are: the keys and base URL, and whether it is safe to send them.

The key names are the ones the official SDK reads, so a machine already set up for the
SDK works unchanged. Keys are `SecretStr`: their repr and str are masked, so a settings
object can be logged or shown in a traceback without leaking them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import SecretStr

from pipeline.errors import ConfigurationError, InsecureURLError
from pipeline.send.net import refuses_plain_http

DEFAULT_BASE_URL = "https://api.futureagi.com"


@dataclass(frozen=True, slots=True)
class Credentials:
    """A checked base URL and the two keys; the repr never shows the keys."""

    base_url: str
    api_key: str
    secret_key: str

    def __repr__(self) -> str:
        return f"Credentials(base_url={self.base_url!r}, keys=<redacted>)"


def check_base_url(base_url: str, *, insecure: bool) -> str:
    """Refuse URLs that would send the keys in clear text over a real network."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureURLError(f"base URL {base_url!r} is not an http(s) URL")
    if refuses_plain_http(parts.scheme, parts.hostname, insecure=insecure):
        raise InsecureURLError(
            f"refusing plain http to {parts.hostname}: the API keys would travel unencrypted; "
            "use https or pass --insecure"
        )
    return base_url.rstrip("/")


def _secret(value: str | SecretStr | None) -> str | None:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return value


def resolve_credentials(
    api_key: str | SecretStr | None,
    secret_key: str | SecretStr | None,
    base_url: str | None,
    *,
    insecure: bool,
) -> Credentials:
    """The given values, else FI_API_KEY / FI_SECRET_KEY / FI_BASE_URL (environment or .env)."""
    key, secret, url = _secret(api_key), _secret(secret_key), base_url
    if not (key and secret and url):
        env_key, env_secret, env_url = _from_environment()
        key, secret, url = key or env_key, secret or env_secret, url or env_url
    if not key or not secret:
        raise ConfigurationError(
            "no API credentials: set FI_API_KEY and FI_SECRET_KEY in the environment or a .env "
            "file (or use --sandbox to try the tool locally)"
        )
    _check_key("api_key", key, from_environment=not api_key)
    _check_key("secret_key", secret, from_environment=not secret_key)
    return Credentials(check_base_url(url, insecure=insecure), key, secret)


def _check_key(name: str, value: str, *, from_environment: bool) -> None:
    """Refuse a key that an HTTP header cannot carry, naming where it came from, never it.

    A key goes into a header as it is: a control character (a CR that a quoted value of a
    .env edited on Windows keeps) is refused by aiohttp as a header injection, and a
    non-ASCII one cannot be encoded; either would end the run as an unexpected error.
    """
    setting = f"FI_{name.upper()}" if from_environment else name
    for position, char in enumerate(value, start=1):
        if " " <= char <= "~":
            continue
        where = ", the last one" if position == len(value) else ""
        kind, hint = "a non-ASCII character", ""
        if unicodedata.category(char) == "Cc":
            kind, hint = "a control character", " (a .env edited on Windows can end lines in CR)"
        raise ConfigurationError(
            f"{setting} holds {kind} (character {position}{where}): a key is printable ASCII; "
            f"check the environment or the .env file{hint}"
        )


def _from_environment() -> tuple[str | None, str | None, str]:
    """FI_API_KEY, FI_SECRET_KEY and FI_BASE_URL from the environment or a .env file.

    pydantic-settings is imported only here, when a value was not given: with its
    providers it takes about a tenth of a second, which the sandbox and library callers
    that pass all three should not pay.
    """
    from pydantic_settings import BaseSettings, SettingsConfigDict

    class Settings(BaseSettings):
        model_config = SettingsConfigDict(
            env_prefix="FI_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
        )

        api_key: SecretStr | None = None
        secret_key: SecretStr | None = None
        base_url: str = DEFAULT_BASE_URL

    settings = Settings()
    return _secret(settings.api_key), _secret(settings.secret_key), settings.base_url
