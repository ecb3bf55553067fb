"""Text from outside (cells, names, file names, server messages) made safe for a terminal.

A terminal obeys what it is sent: ESC starts a sequence that can recolour, move the cursor,
retitle the window or open a hyperlink (OSC 8); a carriage return overwrites the line; a
bidi override reverses what follows; a lone surrogate cannot even be encoded. `shown`
replaces each with its visible Python escape. It does not touch rich markup: outside text
reaches rich only as `rich.text.Text` or with markup off, never as markup.
"""

from __future__ import annotations

import json
import re

# DEL and the C1 controls, the line and paragraph separators, the Unicode bidi controls
# (embeddings, overrides, isolates, marks) and surrogates: all but the C0 controls.
_BEYOND_ASCII = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x1f{_BEYOND_ASCII}]")
# json.dumps escapes the C0 controls itself; the rest can stand only inside a JSON string,
# where a \u escape decodes to the very same character.
_UNSAFE_IN_JSON = re.compile(f"[{_BEYOND_ASCII}]")


def _visible(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def shown(text: object) -> str:
    """`text` as a terminal may show it: every unsafe character as its escape (`\\x1b`)."""
    return _UNSAFE.sub(_visible, str(text))


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(data: object, *, indent: int | None = None) -> str:
    """`data` as one JSON document: exact (it decodes to `data`), readable (letters stay
    letters) and safe to print (no raw bidi control, C1 control or lone surrogate)."""
    return _UNSAFE_IN_JSON.sub(_json_escape, json.dumps(data, ensure_ascii=False, indent=indent))


def counted(count: int, one: str, more: str | None = None) -> str:
    """`1 label`, `2 labels`; `more` where the plural is not `one` + s."""
    return f"{count} {one if count == 1 else more or one + 's'}"
