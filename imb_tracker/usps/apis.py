"""apis.usps.com client: OAuth client-credentials token and Addresses 3.0 look-ups.

The token (about 8 hours) is shared by every thread and renewed by one
thread at a time; issuing a new token may invalidate the old one, so there
is never more than one.  The default USPS quota is 60 calls an hour, so the
limiter defaults to that and ``Retry-After`` is obeyed.  Addresses give the
ZIP+4 and the delivery point that make an 11-digit IMb routing code
(iv-api.md §3.1, §3.6); a delivery point is trusted only when USPS
confirmed the address (DPV ``Y``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from .config import Environment
from .errors import AuthError, NotFoundError, RateLimitedError, ServiceUnavailableError, UspsError
from .ratelimit import Quota, RateLimiter, backoff_delay

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StandardAddress:
    street: str
    secondary: str
    city: str
    state: str
    zip5: str
    zip4: str
    delivery_point: str  # '' unless USPS confirmed the delivery point
    dpv: str
    raw: str

    @property
    def routing(self) -> str:
        if self.zip4 and self.delivery_point:
            return self.zip5 + self.zip4 + self.delivery_point
        return self.zip5 + self.zip4


class ApisClient:
    def __init__(self, env: Environment, client_id: str, client_secret: str, *, quota: Quota | None = None,
                 timeout: float = 20.0, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:  # fmt: skip
        self.env = env
        self._id = client_id
        self._secret = client_secret
        self._http = httpx.Client(timeout=timeout, transport=transport, headers={"User-Agent": "IMb-Tracker"})
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()
        self.limiter = RateLimiter(quota or Quota(per_hour=60))
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"ApisClient({self.env.name}, client_id={self._id!r})"

    def close(self) -> None:
        self._http.close()

    def token(self, force_new: bool = False) -> str:
        with self._lock:
            if self._token and not force_new and time.monotonic() < self._token[1]:
                return self._token[0]
            data = {"grant_type": "client_credentials", "client_id": self._id, "client_secret": self._secret,
                    "scope": "addresses"}  # fmt: skip
            try:
                response = self._http.post(f"{self.env.api_url}/oauth2/v3/token", data=data)
            except httpx.HTTPError as exc:
                raise ServiceUnavailableError(
                    f"could not reach apis.usps.com ({type(exc).__name__})"
                ) from None
            if response.status_code in (400, 401, 403):
                raise AuthError(
                    "USPS rejected the API consumer key and secret; check them in developers.usps.com"
                )
            if response.status_code >= 300:
                raise ServiceUnavailableError(f"USPS API sign-in failed with HTTP {response.status_code}")
            body = response.json()
            lifetime = float(body.get("expires_in") or 3600)
            self._token = (str(body["access_token"]), time.monotonic() + lifetime / 2)
            return self._token[0]

    def address(self, street: str, city: str, state: str, zip5: str = "", secondary: str = "",
                cancel: threading.Event | None = None) -> StandardAddress:  # fmt: skip
        """Standardize one address (Addresses 3.0 ``GET /address``)."""
        params = {"streetAddress": street, "city": city, "state": state}
        if zip5:
            params["ZIPCode"] = zip5
        if secondary:
            params["secondaryAddress"] = secondary
        renewed = False
        for attempt in range(1, 4):
            self.limiter.acquire(cancel)
            headers = {"Authorization": f"Bearer {self.token()}"}
            try:
                response = self._http.get(
                    f"{self.env.api_url}/addresses/v3/address", params=params, headers=headers
                )
            except httpx.HTTPError as exc:
                if attempt == 3:
                    raise ServiceUnavailableError(
                        f"could not reach apis.usps.com ({type(exc).__name__})"
                    ) from None
                self._sleep(backoff_delay(attempt, None))
                continue
            status = response.status_code
            if status == 401 and not renewed:
                renewed = True
                self.token(force_new=True)
                continue
            if status == 429 or status in (502, 503, 504):
                retry_after = float(response.headers.get("Retry-After", "0") or 0) or None
                if attempt == 3:
                    if status == 429:
                        raise RateLimitedError(
                            "USPS Addresses quota reached (60 an hour by default)", retry_after
                        )
                    raise ServiceUnavailableError(f"USPS Addresses is unavailable (HTTP {status})")
                if status == 429:
                    self.limiter.throttled(retry_after)
                self._sleep(backoff_delay(attempt, retry_after))
                continue
            if status in (400, 404):
                raise NotFoundError(_api_message(response) or "USPS did not find this address")
            if status >= 300:
                raise UspsError(f"USPS Addresses answered HTTP {status}: {_api_message(response)}")
            return _parse(response)
        raise ServiceUnavailableError("USPS Addresses did not answer")  # pragma: no cover


def _api_message(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("message", "")) if isinstance(error, dict) else ""


def _parse(response: httpx.Response) -> StandardAddress:
    try:
        body = response.json()
        addr = body.get("address") or {}
        info = body.get("additionalInfo") or {}
    except (ValueError, AttributeError):
        raise ServiceUnavailableError(
            "USPS Addresses answered with something that is not an address"
        ) from None
    dpv = str(info.get("DPVConfirmation") or "")
    zip4 = str(addr.get("ZIPPlus4") or "")
    dp = str(info.get("deliveryPoint") or "") if dpv == "Y" and len(zip4) == 4 else ""
    return StandardAddress(
        street=str(addr.get("streetAddress") or ""), secondary=str(addr.get("secondaryAddress") or ""),
        city=str(addr.get("city") or ""), state=str(addr.get("state") or ""), zip5=str(addr.get("ZIPCode") or ""),
        zip4=zip4 if len(zip4) == 4 and zip4.isdigit() else "", delivery_point=dp if len(dp) == 2 and dp.isdigit() else "",
        dpv=dpv, raw=response.text,
    )  # fmt: skip
