"""The one error class of the commands (imports nothing, so ``encode`` starts fast)."""

from __future__ import annotations


class CommandFailedError(Exception):
    """A command could not do its job; the message says why.  ``code`` 1 is bad input, 2 a usage error."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code
