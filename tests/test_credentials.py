"""Credentials live in the OS keyring (or the environment), never anywhere else."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from imb_tracker.usps.credentials import CredentialsError, IvCredentials, clear_iv, load_iv, save_iv


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps secrets in a dict, standing in for the OS store in tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("not there")
        del self.store[(service, username)]


@pytest.fixture
def memory(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for var in ("IMB_TRACKER_IV_USERNAME", "IMB_TRACKER_IV_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_save_load_clear(memory: MemoryKeyring) -> None:
    with pytest.raises(CredentialsError, match="credentials set"):
        load_iv()
    save_iv("mailer", "s3cret")
    assert memory.store[("imb-tracker", "iv_password")] == "s3cret"
    creds = load_iv()
    assert creds == IvCredentials("mailer", "s3cret")
    assert "s3cret" not in repr(creds)
    assert clear_iv() is True
    assert clear_iv() is False
    with pytest.raises(CredentialsError):
        load_iv()


def test_environment_wins_for_headless_use(memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    save_iv("keyring-user", "a")
    monkeypatch.setenv("IMB_TRACKER_IV_USERNAME", "env-user")
    monkeypatch.setenv("IMB_TRACKER_IV_PASSWORD", "b")
    assert load_iv() == IvCredentials("env-user", "b")


def test_a_plaintext_keyring_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: with keyrings.alt present, the password was stored base64 in a file while the app said
    'saved in the system keyring'."""

    class PlaintextKeyring(MemoryKeyring):
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    previous = keyring.get_keyring()
    weak = PlaintextKeyring()
    keyring.set_keyring(weak)
    try:
        with pytest.raises(CredentialsError, match=r"keyrings\.alt\.file\.PlaintextKeyring") as info:
            save_iv("user", "secret")
        assert "IMB_TRACKER_IV_USERNAME" in str(info.value)
        assert weak.store == {}  # nothing written
    finally:
        keyring.set_keyring(previous)
