"""The app's settings in one typed place, stored with QSettings in an INI file under the config folder.

Defaults live here, with a version number so a later release can upgrade old
files.  Passwords never come here: they go to the system keyring.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings

if TYPE_CHECKING:
    from imb_tracker.layout.envelopes import EnvelopeOptions

VERSION = 1


@dataclass
class Settings:
    """What the user chose; read once at start, written when changed."""

    version: int = VERSION
    configured: bool = False  # the first-start wizard has run
    usps_mode: str = "demo"  # "demo", "production", "test" or a base URL
    mailer_mid: str = ""
    workstation: str = ""
    envelope_template: str = "10"
    imb_position: str = "address-above"
    human_readable: bool = False
    return_lines: str = ""  # one per line
    endorsement: str = ""
    label_layout: str = "avery-5161"
    tag_stock: str = "avery-5371"
    stalled_days: int = 5
    quota_per_minute: int = 1200
    demo_days_ahead: float = 0.0
    envelope_feed: str = "as-is"  # "as-is" or "rotate" (drivers that do not rotate a landscape page)
    printer_offset_x: float = 0.0
    printer_offset_y: float = 0.0
    last_folder: str = ""

    @property
    def return_block(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.return_lines.splitlines() if line.strip())

    def envelope_options(self, position: str, human_readable: bool) -> EnvelopeOptions:
        """Envelope options with this user's return address, endorsement and printer offsets."""
        from imb_tracker.layout.envelopes import EnvelopeOptions  # noqa: PLC0415 - reportlab after start-up

        return EnvelopeOptions(position=position, human_readable=human_readable, return_lines=self.return_block,
                               endorsement=self.endorsement, offset_x=self.printer_offset_x,
                               offset_y=self.printer_offset_y)  # fmt: skip


class SettingsStore:
    """Reads and writes :class:`Settings` plus window state (geometry, column layouts)."""

    def __init__(self, config_dir: Path) -> None:
        config_dir.mkdir(parents=True, exist_ok=True)
        self.path = config_dir / "imb-tracker.ini"
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def load(self) -> Settings:
        settings = Settings()
        for f in fields(Settings):
            value = self._qs.value(f"app/{f.name}")
            if value is None:
                continue
            default = getattr(settings, f.name)
            setattr(settings, f.name, _typed(value, default))
        # upgrades of files written by older versions go here, keyed on settings.version
        settings.version = max(settings.version, VERSION)
        return settings

    def save(self, settings: Settings) -> None:
        for f in fields(Settings):
            self._qs.setValue(f"app/{f.name}", getattr(settings, f.name))
        self._qs.sync()

    def state(self, key: str) -> QByteArray | None:
        value = self._qs.value(f"state/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self._qs.setValue(f"state/{key}", value)

    def sync(self) -> None:
        self._qs.sync()


def _typed(value: Any, default: Any) -> Any:
    """INI files give strings back; turn them into the default's type."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
    try:
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except (TypeError, ValueError):
        return default
    return str(value)
