"""The keys go into HTTP headers as they are: one a header cannot carry is refused before
any work, naming where it came from and never showing it."""

from __future__ import annotations

import pytest

from pipeline.errors import ConfigurationError
from pipeline.send.credentials import resolve_credentials

URL = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("api_key", "secret_key", "says"),
    [
        ("key-1234\r", "secret-5678", "api_key holds a control character (character 9, the last"),
        ("key-1234", "secret\n5678", "secret_key holds a control character (character 7)"),
        ("key-1234", "secret-5678\x1b", "secret_key holds a control character"),
        ("kéy-1234", "secret-5678", "api_key holds a non-ASCII character (character 2)"),
    ],
)
def test_a_key_a_header_cannot_carry_is_a_configuration_error(
    api_key: str, secret_key: str, says: str
) -> None:
    with pytest.raises(ConfigurationError) as refused:
        resolve_credentials(api_key, secret_key, URL, insecure=False)

    assert says in str(refused.value)
    assert "1234" not in str(refused.value) and "5678" not in str(refused.value)


def test_printable_ascii_keys_with_spaces_and_punctuation_are_kept() -> None:
    credentials = resolve_credentials("k e-y_1.~", "s!e@c#r$e%t^", URL, insecure=False)
    assert (credentials.api_key, credentials.secret_key) == ("k e-y_1.~", "s!e@c#r$e%t^")
