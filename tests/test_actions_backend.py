"""Where lookups go: the demo stand-in inside the app, and the sign-in test both front ends use."""

from __future__ import annotations

from datetime import timedelta

import pytest

from imb_tracker.actions.backend import UspsBackend
from imb_tracker.actions.backend import check_sign_in as sign_in
from imb_tracker.sandbox import DEMO_PASSWORD, DEMO_USERNAME
from imb_tracker.usps.errors import AuthError


def test_demo_backend_signs_in_and_its_clock_moves() -> None:
    backend = UspsBackend("demo")
    try:
        start = backend.clock()
        assert backend.advance_demo(2) - start >= timedelta(days=2)
        assert sign_in("demo", current=backend)  # reuses the running stand-in
        url = backend.url
        assert sign_in(url, DEMO_USERNAME, DEMO_PASSWORD)  # typed credentials against a URL
        with pytest.raises(AuthError):
            sign_in(url, DEMO_USERNAME, "wrong password")
    finally:
        backend.close()
