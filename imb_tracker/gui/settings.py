"""The window's side of the settings: the shared settings file, and window state kept with QSettings.

The user's choices (return address, mailer, USPS environment, quotas, stalled
days, printer offsets) live in the plain settings file that the command line
reads too (:mod:`imb_tracker.settings`).  QSettings keeps only what belongs to
this window: its geometry and the letters table's column layouts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from imb_tracker.settings import Settings, SettingsFile

__all__ = ["Settings", "SettingsStore"]


class SettingsStore:
    """Reads and writes :class:`Settings` (the shared file) plus window state (geometry, column layouts)."""

    def __init__(self, config_dir: Path) -> None:
        config_dir.mkdir(parents=True, exist_ok=True)
        self.file = SettingsFile(config_dir)
        self.path = config_dir / "window-state.ini"
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def load(self) -> Settings:
        return self.file.load()

    def save(self, settings: Settings) -> None:
        self.file.save(settings)

    def state(self, key: str) -> QByteArray | None:
        value = self._qs.value(f"state/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self._qs.setValue(f"state/{key}", value)

    def sync(self) -> None:
        self._qs.sync()
