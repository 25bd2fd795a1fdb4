"""The one error a workflow raises for "this cannot be done as asked"; the message says why and what to do.

Front ends show it as it is (the CLI on one line with exit code 1, the window
beside the field or in a message box); nothing has been half-done when it is raised.
"""

from __future__ import annotations


class ActionError(ValueError):
    """A workflow refused or could not finish; nothing was half-written."""


def database_errors() -> tuple[type[BaseException], ...]:
    """The database's own errors (the front ends report them in one line, never as a traceback)."""
    from imb_tracker.store.errors import database_errors as store_errors  # noqa: PLC0415

    return store_errors()
