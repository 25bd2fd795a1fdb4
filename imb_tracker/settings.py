"""The user's settings in one plain JSON file in the config folder, read and written here for both front ends.

The window and the command line see the same return address, default mailer,
USPS environment, quotas, stalled-letter threshold and printer offsets, so a
choice made in one is honoured by the other.  Qt keeps only window geometry
and column layouts (``gui/window_state.py``).  Standard library only; no
password ever comes here (the system keyring holds those).

The file is written atomically (a temporary file, then a rename), so a crash
never leaves half a file; a damaged or hand-edited file with bad values falls
back to the defaults for those values, with a warning in the log.
"""

from __future__ import annotations

import configparser
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

VERSION = 2
FILE_NAME = "settings.json"
LEGACY_INI = "imb-tracker.ini"  # QSettings file of version 1, read once when no JSON file exists
FEEDS = ("as-is", "rotate")
POSITIONS = ("address-above", "address-below", "clear-zone")
NAMED_MODES = ("production", "test", "demo")


class SettingsError(ValueError):
    """A setting that cannot be set as asked; the message names the key and the fix."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"setting {key!r}: {message}")
        self.key = key


@dataclass(frozen=True)
class PrinterSetup:
    """How one printer is off, and how it takes envelopes."""

    offset_x: float = 0.0  # inches, + moves the print right
    offset_y: float = 0.0  # inches, + moves the print up
    feed: str = "as-is"  # "as-is", or "rotate" for drivers that do not turn a landscape page


@dataclass
class Settings:
    """What the user chose.  Defaults are what a new user gets in both front ends."""

    version: int = VERSION
    configured: bool = False  # the first-start wizard has run
    usps_env: str = "production"  # "production", "test", "demo" or a base URL
    default_mailer: str = ""
    workstation: str = ""
    return_address: list[str] = field(default_factory=list)
    endorsement: str = ""
    envelope_template: str = "10"
    imb_position: str = "address-above"
    human_readable: bool = False
    label_layout: str = "avery-5161"
    tag_stock: str = "avery-5371"
    stalled_days: int = 3  # delivery days (Sundays and federal holidays do not count)
    #: where the mail is entered (service standards are per origin and destination 3-digit ZIP);
    #: "" takes the ZIP Code at the end of the return address
    entry_zip: str = ""
    service_standards_per_hour: int = 60  # USPS's default Service Standards quota
    service_standard_class: str = "FIRST-CLASS_MAIL_LETTERS"  # the API's mailClass (UNCONFIRMED value)
    scheduled_refresh_hours: float = 6.0  # the window refreshes on its own this often; 0: never
    iv_quota_per_minute: int = 1200
    addresses_quota_per_hour: int = 60
    refresh_min_interval_minutes: int = 60
    refresh_workers: int = 4
    demo_days_ahead: float = 0.0
    last_folder: str = ""
    #: where the USPS password lives: "keyring", "ask" (asked at the first lookup of each start,
    #: kept in memory only) or "environment" (IMB_TRACKER_IV_USERNAME / _PASSWORD)
    theme: str = "system"  # "system" (follows the desktop's light or dark scheme), "light" or "dark"
    password_storage: str = "keyring"
    iv_username: str = ""  # the sign-in name (not a secret), so "ask" only asks for the password
    #: per printer name; "" is the printer used when none is named
    printers: dict[str, PrinterSetup] = field(default_factory=dict)
    #: trays and sacks: digits 9 (processing code) and 24 (label type) of the 24-digit tray
    #: barcode, per kind; the reference's defaults are 1 and 1 (both UNCONFIRMED, see docs)
    tray_processing_code: str = "1"
    tray_label_type: str = "1"
    sack_processing_code: str = "1"
    sack_label_type: str = "1"
    tray_pieces: int = 0  # letters per tray; 0: from the tray's length and the piece thickness
    piece_thickness: float = 0.025  # inches, one sheet in a #10 envelope
    tray_min_5d: int = 150  # fewest pieces for a 5-digit tray (UNCONFIRMED, commonly quoted)
    tray_min_3d: int = 150  # fewest pieces for a 3-digit tray (UNCONFIRMED)
    tray_unseen_days: int = 5  # a tray none of whose pieces USPS scanned this long after mailing

    def mail_entry_zip(self) -> str:
        """Where the mail is entered: the setting, else the last 5-digit ZIP Code in the return address."""
        if self.entry_zip:
            return self.entry_zip
        for line in reversed(self.return_address):
            for word in reversed(line.replace(",", " ").split()):
                head = word.split("-")[0]
                if len(head) == 5 and head.isdigit():
                    return head
        return ""

    def printer(self, name: str = "") -> PrinterSetup:
        """The setup of printer ``name``, else of the default printer, else no offsets."""
        return self.printers.get(name) or self.printers.get("") or PrinterSetup()

    def with_printer(self, name: str, **changes: Any) -> None:
        self.printers[name] = replace(
            self.printer(name) if name in self.printers else PrinterSetup(), **changes
        )


# ---------------------------------------------------------------- keys for `settings set`


def _number(kind: type[int] | type[float], low: float, high: float) -> Any:
    """A parser for a whole number (``int``) or a number (``float``) between ``low`` and ``high``."""
    what = "a whole number" if kind is int else "a number"

    def parse(key: str, text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise SettingsError(key, f"{text!r} is not {what}; give {low:g} to {high:g}") from None
        if not low <= value <= high:
            raise SettingsError(key, f"{value:g} is out of range; give {low:g} to {high:g}")
        return value

    return parse


def _int(low: int, high: int) -> Any:
    return _number(int, low, high)


def _float(low: float, high: float) -> Any:
    return _number(float, low, high)


def _bool(key: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(key, f"{text!r} is not yes or no; give true or false")


def _choice(*allowed: str) -> Any:
    def parse(key: str, text: str) -> str:
        if text not in allowed:
            raise SettingsError(key, f"{text!r} is not one of {', '.join(allowed)}")
        return text

    return parse


def _text(limit: int = 200) -> Any:
    def parse(key: str, text: str) -> str:
        if len(text) > limit or any(ord(c) < 32 for c in text):
            raise SettingsError(key, f"give one line of at most {limit} characters")
        return text.strip()

    return parse


def _mode(key: str, text: str) -> str:
    value = text.strip()
    if value in NAMED_MODES or value.startswith(("http://", "https://")):
        return value.rstrip("/") if value.startswith("http") else value
    raise SettingsError(key, f"{value!r} is not production, test, demo or an http(s):// base URL")


def _mailer(key: str, text: str) -> str:
    value = text.strip()
    if value and not (
        value.isdigit() and ((len(value) == 6 and value[0] != "9") or (len(value) == 9 and value[0] == "9"))
    ):
        raise SettingsError(
            key, f"{value!r} is not a Mailer ID; use 6 digits starting 0–8 or 9 digits starting with 9"
        )
    return value


def _digit(key: str, text: str) -> str:
    """One digit of the tray barcode (processing code or label type)."""
    value = text.strip()
    if len(value) != 1 or not value.isdigit() or not value.isascii():
        raise SettingsError(key, f"{text!r} is not one digit 0-9")
    return value


def _lines(key: str, text: str) -> list[str]:
    """Return-address lines, separated by '|' or new lines."""
    lines = [
        line.strip() for line in text.replace("\\n", "\n").replace("|", "\n").splitlines() if line.strip()
    ]
    if len(lines) > 5 or any(len(line) > 60 for line in lines):
        raise SettingsError(key, "give at most 5 lines of at most 60 characters, separated by '|'")
    return lines


def _zip5(key: str, text: str) -> str:
    value = text.strip()
    if value and not (len(value) == 5 and value.isdigit()):
        raise SettingsError(key, "give a 5-digit ZIP Code, or nothing to use the return address's")
    return value


PARSERS: dict[str, Any] = {
    "configured": _bool,
    "usps_env": _mode,
    "default_mailer": _mailer,
    "workstation": _text(64),
    "return_address": _lines,
    "endorsement": _text(60),
    "envelope_template": _text(40),
    "imb_position": _choice(*POSITIONS),
    "human_readable": _bool,
    "label_layout": _text(40),
    "tag_stock": _text(40),
    "stalled_days": _int(1, 60),
    "entry_zip": _zip5,
    "service_standards_per_hour": _int(0, 10_000),
    "service_standard_class": _text(40),
    "scheduled_refresh_hours": _float(0, 168),
    "iv_quota_per_minute": _int(1, 100_000),
    "addresses_quota_per_hour": _int(1, 100_000),
    "refresh_min_interval_minutes": _int(0, 7 * 24 * 60),
    "refresh_workers": _int(1, 16),
    "demo_days_ahead": _float(0, 3650),
    "last_folder": _text(1000),
    "password_storage": _choice("keyring", "ask", "environment"),
    "theme": _choice("system", "light", "dark"),
    "iv_username": _text(200),
    "tray_processing_code": _digit,
    "tray_label_type": _digit,
    "sack_processing_code": _digit,
    "sack_label_type": _digit,
    "tray_pieces": _int(0, 5000),
    "piece_thickness": _float(0.007, 0.25),
    "tray_min_5d": _int(1, 5000),
    "tray_min_3d": _int(1, 5000),
    "tray_unseen_days": _int(1, 60),
}
PRINTER_PARSERS: dict[str, Any] = {
    "offset_x": _float(-1.0, 1.0),
    "offset_y": _float(-1.0, 1.0),
    "feed": _choice(*FEEDS),
}
DESCRIPTIONS = {
    "usps_env": "where lookups go: production, test (USPS CAT), demo (the built-in stand-in) or a base URL",
    "default_mailer": "the Mailer ID used when none is given",
    "return_address": "return-address lines for envelopes, separated by '|'",
    "stalled_days": "delivery days without a new scan before a letter in the mail counts as stalled",
    "entry_zip": "the ZIP Code where your mail is entered (for USPS service standards); "
    "empty: the return address's",
    "service_standards_per_hour": "USPS Service Standards calls per hour, at most (0: never ask)",
    "service_standard_class": "the Service Standards mailClass asked for",
    "scheduled_refresh_hours": "while the window is open, refresh every this many hours and notify "
    "when letters turn late or stalled (0: off)",
    "iv_quota_per_minute": "Informed Visibility lookups per minute, at most (every window and command together)",
    "addresses_quota_per_hour": "USPS Addresses lookups per hour, at most (USPS's default quota is 60)",
    "refresh_min_interval_minutes": "a letter is not looked up again within this many minutes by a refresh",
    "refresh_workers": "lookups in flight at once during a refresh",
    "theme": "the window's colours: system (follow the desktop), light or dark",
    "password_storage": "where the USPS password is kept: keyring, ask (each start, memory only) or environment",
    "printer.offset_x": "inches to move the print right (negative: left) on the default printer; "
    "printer.NAME.offset_x for a named one",
    "printer.offset_y": "inches to move the print up (negative: down)",
    "printer.feed": "envelope feed: as-is, or rotate for drivers that do not turn a landscape page",
}


def keys() -> list[str]:
    """Every key `settings set` takes (printer keys for the default printer; printer.NAME.KEY for others)."""
    return [*PARSERS, *(f"printer.{k}" for k in PRINTER_PARSERS)]


def set_value(settings: Settings, key: str, text: str) -> Settings:
    """Parse and set one key (as typed on the command line); raises SettingsError naming the fix."""
    if key.startswith("printer.") or key.startswith("printers."):
        parts = key.split(".")
        name, attr = ("", parts[1]) if len(parts) == 2 else (".".join(parts[1:-1]), parts[-1])
        if len(parts) < 2 or attr not in PRINTER_PARSERS:
            raise SettingsError(
                key,
                f"printer settings are {', '.join(PRINTER_PARSERS)} (printer.offset_x, "
                "or printer.NAME.offset_x for a named printer)",
            )
        settings.with_printer(name, **{attr: PRINTER_PARSERS[attr](key, text)})
        return settings
    parser = PARSERS.get(key)
    if parser is None:
        close = [k for k in keys() if key.replace("-", "_") in k or k in key]
        hint = f"; did you mean {close[0]}?" if close else ""
        raise SettingsError(key, f"no such setting{hint} (see: imb-tracker settings show)")
    setattr(settings, key, parser(key, text))
    return settings


def shown(settings: Settings) -> list[tuple[str, str]]:
    """(key, value) pairs as `settings show` prints them."""
    rows: list[tuple[str, str]] = []
    for f in fields(Settings):
        if f.name in ("version", "printers"):
            continue
        value = getattr(settings, f.name)
        text = (
            " | ".join(value)
            if isinstance(value, list)
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
        )
        rows.append((f.name, text))
    for name in sorted(settings.printers or {"": PrinterSetup()}):
        p = settings.printer(name)
        prefix = f"printer.{name}." if name else "printer."
        rows += [
            (prefix + "offset_x", f"{p.offset_x:g}"),
            (prefix + "offset_y", f"{p.offset_y:g}"),
            (prefix + "feed", p.feed),
        ]
    return rows


# ---------------------------------------------------------------- the file


def _from_json(data: dict[str, Any]) -> Settings:
    settings = Settings()
    for f in fields(Settings):
        if f.name not in data or f.name == "printers":
            continue
        value = data[f.name]
        default = getattr(settings, f.name)
        ok = isinstance(value, type(default)) and not (
            isinstance(value, bool) and not isinstance(default, bool)
        )
        if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if isinstance(default, list):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if not ok:
            log.warning("settings: %s has a value of the wrong kind (%r); using %r", f.name, value, default)
            continue
        if f.name in PARSERS and not isinstance(value, list):
            try:
                PARSERS[f.name](f.name, str(value).lower() if isinstance(value, bool) else str(value))
            except SettingsError as exc:
                log.warning("settings: %s; using %r", exc, default)
                continue
        setattr(settings, f.name, value)
    for name, raw in (data.get("printers") or {}).items():
        if not isinstance(raw, dict):
            continue
        try:
            setup = PrinterSetup(
                float(raw.get("offset_x", 0.0)),
                float(raw.get("offset_y", 0.0)),
                PRINTER_PARSERS["feed"]("feed", str(raw.get("feed", "as-is"))),
            )
        except (TypeError, ValueError) as exc:
            log.warning("settings: printer %r ignored (%s)", name, exc)
            continue
        settings.printers[str(name)] = setup
    settings.version = VERSION
    return settings


def _from_legacy_ini(path: Path) -> Settings:
    """The QSettings INI file of version 1 (the window's settings before they moved here)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        log.warning("settings: could not read the old %s (%s)", path.name, exc)
        return Settings()
    app = parser["app"] if parser.has_section("app") else {}
    renames = {
        "usps_mode": "usps_env",
        "mailer_mid": "default_mailer",
        "quota_per_minute": "iv_quota_per_minute",
    }
    settings = Settings()
    for old, raw in app.items():
        text = raw.strip().strip('"').replace("\\n", "\n")
        key = renames.get(old, old)
        try:
            if old == "return_lines":
                settings.return_address = _lines("return_address", text)
            elif old in ("printer_offset_x", "printer_offset_y"):
                settings.with_printer("", **{old.removeprefix("printer_"): float(text)})
            elif old == "envelope_feed":
                settings.with_printer("", feed=_choice(*FEEDS)("feed", text))
            elif key in PARSERS:
                set_value(settings, key, text)
        except (SettingsError, ValueError) as exc:
            log.warning("settings: old value of %s ignored (%s)", old, exc)
    return settings


class SettingsFile:
    """The settings file of one config folder: load, save, and change one key."""

    def __init__(self, config_dir: Path) -> None:
        self.folder = Path(config_dir)
        self.path = self.folder / FILE_NAME

    def load(self) -> Settings:
        if not self.path.exists():
            legacy = self.folder / LEGACY_INI
            return _from_legacy_ini(legacy) if legacy.exists() else Settings()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("settings: %s could not be read (%s); using the defaults", self.path, exc)
            return Settings()
        if not isinstance(data, dict):
            log.warning("settings: %s does not hold settings; using the defaults", self.path)
            return Settings()
        return _from_json(data)

    def save(self, settings: Settings) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = asdict(settings)
        data["version"] = VERSION
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        handle, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=self.folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def set(self, key: str, text: str) -> Settings:
        """Change one key and save (nothing is written when the value is refused)."""
        settings = set_value(self.load(), key, text)
        self.save(settings)
        return settings
