"""The redactor: every spelling of a key that an echo can carry back is gone."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

from pipeline.send.redact import REDACTED, Redactor

KEY = "fi-key/with+odd=chars&more"
SECRET = "sécret-ключ-42"


def test_every_spelling_of_both_keys_is_replaced() -> None:
    redact = Redactor((KEY, SECRET))
    spellings = [
        KEY,
        SECRET,
        quote(KEY, safe=""),
        quote(KEY, safe="").lower(),
        quote_plus(SECRET),
        json.dumps(KEY)[1:-1].replace("/", "\\/"),
        json.dumps(SECRET)[1:-1],
    ]
    for spelling in spellings:
        text = f"before {spelling} after"
        assert redact.text(text) == f"before {REDACTED} after"
        assert redact.bytes(text.encode()) == f"before {REDACTED} after".encode()


def test_a_parsed_body_is_redacted_in_keys_and_values_at_any_depth() -> None:
    redact = Redactor((KEY, SECRET))
    body = json.loads(json.dumps({KEY: [{"echo": f"X-Secret-Key: {SECRET}"}, 5, None]}))
    assert redact.parsed(body) == {REDACTED: [{"echo": f"X-Secret-Key: {REDACTED}"}, 5, None]}


def test_text_without_a_key_is_unchanged() -> None:
    redact = Redactor((KEY, SECRET))
    assert redact.text("Invalid API key or secret key") == "Invalid API key or secret key"
    assert Redactor(("", "")).text("anything") == "anything"


def test_a_value_too_short_to_be_a_secret_does_not_mangle_answers() -> None:
    assert Redactor(("s", "key")).bytes(b'{"results": []}') == b'{"results": []}'
