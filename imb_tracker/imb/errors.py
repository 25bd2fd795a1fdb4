"""Errors raised by the IMb core.

Every refusal is an :class:`ImbError`, itself a :class:`ValueError`, so callers
that only care about "bad input" can catch ``ValueError``.  Each error names the
field at fault, the value that was given and the rule that was broken, so the
GUI can put the message beside the right widget and the CLI can print it as is.
"""

from __future__ import annotations


class ImbError(ValueError):
    """Base class for every error the IMb core raises on bad input.

    ``field`` names what was wrong (``"mailer_id"``, ``"routing"``, ``"bars"``…),
    ``value`` is what was given and ``hint`` says how to fix it.
    """

    def __init__(self, field: str, value: object, message: str, hint: str = "") -> None:
        self.field = field
        self.value = value
        self.hint = hint
        full = message if not hint else f"{message}; {hint}"
        super().__init__(full)

    @property
    def message(self) -> str:
        """The whole human-readable message."""
        return str(self)


class FieldError(ImbError):
    """A barcode field (barcode ID, STID, Mailer ID, serial, routing…) is invalid."""


class DecodeError(ImbError):
    """A bar string could not be decoded into a valid IMb.

    ``field`` is always ``"bars"``.  ``reason`` is a short machine-readable
    tag (``"length"``, ``"alphabet"``, ``"character"``, ``"parity"``,
    ``"checksum"``, ``"routing_range"``) for callers that want to branch on it.
    """

    def __init__(self, value: object, message: str, reason: str, hint: str = "") -> None:
        self.reason = reason
        super().__init__("bars", value, message, hint)


class InvalidCharacterError(DecodeError):
    """One or more of the ten 13-bit characters is not a valid IMb character.

    ``characters`` holds their indexes (0 = A … 9 = J) and ``bars`` the 1-based
    bar positions that carry them, which is where damage should be looked for.
    """

    def __init__(self, value: object, characters: tuple[int, ...], bars: tuple[int, ...]) -> None:
        self.characters = characters
        self.bars = bars
        names = ", ".join("ABCDEFGHIJ"[i] for i in characters)
        super().__init__(
            value,
            f"bars do not form a valid IMb: character{'s' if len(characters) > 1 else ''} "
            f"{names} {'are' if len(characters) > 1 else 'is'} not a valid 13-bit IMb character",
            "character",
            "check the bars for a misread or damaged bar, or try repair",
        )


class RepairError(DecodeError):
    """Repair was asked for but there is no unique single-bar correction.

    ``candidates`` lists the distinct valid barcodes (as bar strings) that a
    single-bar change would produce: empty when the damage cannot be repaired,
    two or more when it is ambiguous.
    """

    def __init__(self, value: object, message: str, reason: str, candidates: tuple[str, ...]) -> None:
        self.candidates = candidates
        super().__init__(value, message, reason)
