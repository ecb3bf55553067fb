"""The faults that end a run before or instead of a report, under one base class.

A row's problem is never one of these: it is a value on that row's outcome. These are for
what makes the whole run impossible; each message is one line a person can act on, and the
CLI turns each kind into its exit code (all of them 2: the input or the invocation is wrong).
"""

from __future__ import annotations


class LabelImportError(Exception):
    """Base of every error label-import raises on purpose; catch it to catch them all."""


class InputError(LabelImportError):
    """The input cannot be used at all (missing, unreadable, not a spreadsheet, no name column)."""


class UsageError(LabelImportError):
    """An option or setting that makes the run impossible (a bad --report path, --rate -1)."""


class ConfigurationError(UsageError):
    """The environment does not say how to reach the API: no credentials, a bad base URL."""


class InsecureURLError(ConfigurationError):
    """A plain-http base URL to a host other than loopback, without `--insecure`."""


def require_pandas() -> None:
    """Refuse a DataFrame call in one line naming the extra when pandas is not installed:
    it is optional (the CLI never needs it), so its absence is the user's to fix."""
    try:
        import pandas  # noqa: F401  (only asked whether it imports)
    except ModuleNotFoundError:
        raise UsageError("DataFrames need pandas: pip install 'label-import[pandas]'") from None
