"""Where the user's USPS credentials live: the OS keyring, or environment variables for headless use.

Never in the database, the settings file, logs, exception texts or crash
reports.  Variables (for servers and scripts): IMB_TRACKER_IV_USERNAME,
IMB_TRACKER_IV_PASSWORD, IMB_TRACKER_API_CLIENT_ID, IMB_TRACKER_API_CLIENT_SECRET.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

SERVICE = "imb-tracker"
ENV = {
    "iv_username": "IMB_TRACKER_IV_USERNAME",
    "iv_password": "IMB_TRACKER_IV_PASSWORD",
    "api_client_id": "IMB_TRACKER_API_CLIENT_ID",
    "api_client_secret": "IMB_TRACKER_API_CLIENT_SECRET",
}


class CredentialsError(Exception):
    """No credentials, or no keyring to keep them in."""


@dataclass(frozen=True)
class IvCredentials:
    username: str
    password: str

    def __repr__(self) -> str:
        return f"IvCredentials(username={self.username!r}, password=***)"


def _keyring():  # type: ignore[no-untyped-def]
    import keyring  # noqa: PLC0415 - only when credentials are touched
    from keyring.errors import KeyringError  # noqa: PLC0415

    return keyring, KeyringError


#: a sign-in typed for this run only (``password_storage = ask``): in memory, never written anywhere
_session: dict[str, IvCredentials] = {}


def remember_for_session(username: str, password: str) -> None:
    """Keep a sign-in for this run of the app only (when there is no keyring, or the user wants none)."""
    _session["iv"] = IvCredentials(username, password)


def forget_session() -> None:
    _session.clear()


def has_iv() -> bool:
    """Whether a sign-in can be found without asking (environment, this run, or the keyring)."""
    try:
        load_iv()
    except CredentialsError:
        return False
    return True


def keyring_problem() -> str:
    """Why passwords cannot be kept safely here, in plain words; '' when the system keyring is fine."""
    try:
        keyring, keyring_error = _keyring()
        backend = keyring.get_keyring()
    except Exception as exc:  # keyring failing to load at all is also an answer
        return f"there is no system keyring on this computer ({type(exc).__name__})"
    weak = insecure_backend(backend)
    if weak is not None:
        return f"the only keyring here ({weak}) keeps passwords readable in a file"
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith("keyring.backends.fail") or name.endswith(".fail.Keyring"):
        return "there is no system keyring on this computer (no GNOME Keyring, KWallet, macOS or Windows keychain)"
    try:
        keyring.get_password(SERVICE, "probe")
    except keyring_error as exc:
        return f"the system keyring cannot be used right now ({type(exc).__name__}; it may be locked)"
    return ""


def load_iv() -> IvCredentials:
    """Environment first (headless), then a sign-in typed for this run, then the keyring."""
    user, password = os.environ.get(ENV["iv_username"]), os.environ.get(ENV["iv_password"])
    if user and password:
        return IvCredentials(user, password)
    if "iv" in _session:
        return _session["iv"]
    keyring, keyring_error = _keyring()
    try:
        user = keyring.get_password(SERVICE, "iv_username")
        password = keyring.get_password(SERVICE, "iv_password") if user else None
    except keyring_error as exc:
        raise CredentialsError(
            f"the system keyring is not available ({type(exc).__name__}); set "
            f"{ENV['iv_username']} and {ENV['iv_password']} instead"
        ) from None
    if not user or not password:
        raise CredentialsError(
            "no USPS Business Customer Gateway credentials saved; run: imb-tracker credentials set"
        )
    return IvCredentials(user, password)


#: keyring backends that keep the secret where anyone who can read the user's files can read it
INSECURE_BACKENDS = (
    "keyrings.alt.file.PlaintextKeyring",
    "keyring.backends.null.Keyring",
    "keyrings.alt.file.EncryptedKeyring",
)


def insecure_backend(backend: object) -> str | None:
    """The insecure backend passwords would be written to, by its name, or None.

    A chainer backend writes to its first (highest-priority) backend, so that is the one judged.
    """
    chain = getattr(backend, "backends", None)
    target = chain[0] if chain else backend
    name = f"{type(target).__module__}.{type(target).__name__}"
    return name if name in INSECURE_BACKENDS or name.startswith("keyrings.alt.") else None


def save_iv(username: str, password: str) -> None:
    keyring, keyring_error = _keyring()
    weak = insecure_backend(keyring.get_keyring())
    if weak is not None:
        raise CredentialsError(
            f"the only keyring here is {weak}, which keeps passwords readable in a file; nothing was saved. "
            f"Install the desktop's keyring (GNOME Keyring, KWallet), or set {ENV['iv_username']} and "
            f"{ENV['iv_password']} instead"
        )
    try:
        keyring.set_password(SERVICE, "iv_username", username)
        keyring.set_password(SERVICE, "iv_password", password)
    except keyring_error as exc:
        raise CredentialsError(
            f"the system keyring refused to store the password ({type(exc).__name__}); on a "
            f"headless machine use {ENV['iv_username']} / {ENV['iv_password']}"
        ) from None


def clear_iv() -> bool:
    keyring, keyring_error = _keyring()
    removed = False
    for key in ("iv_password", "iv_username"):
        try:
            keyring.delete_password(SERVICE, key)
            removed = True
        except keyring_error:
            continue
    return removed


def load_api() -> tuple[str, str]:
    """The apis.usps.com consumer key and secret (environment, then keyring)."""
    key, secret = os.environ.get(ENV["api_client_id"]), os.environ.get(ENV["api_client_secret"])
    if key and secret:
        return key, secret
    keyring, keyring_error = _keyring()
    try:
        key = keyring.get_password(SERVICE, "api_client_id")
        secret = keyring.get_password(SERVICE, "api_client_secret") if key else None
    except keyring_error:
        key = secret = None
    if not key or not secret:
        raise CredentialsError(
            f"no USPS API consumer key saved; set {ENV['api_client_id']} and {ENV['api_client_secret']} "
            "(from developers.usps.com)"
        )
    return key, secret
