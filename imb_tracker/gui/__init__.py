"""The PySide6 desktop front end. No business rules here: it calls the core and services.

Importing it first protects the interpreter from a PySide6 6.12 reference-count
bug on Python 3.11 (see :mod:`.refcount_fix`).
"""

from . import refcount_fix

__all__ = ["refcount_fix"]
