"""apis.usps.com client: OAuth client-credentials token, Addresses 3.0 and Service Standards 3.x look-ups.

The token (about 8 hours) is shared by every thread and renewed by one
thread at a time; issuing a new token may invalidate the old one, so there
is never more than one per consumer key in the process (:mod:`.http`).  The default USPS quota is 60 calls an hour, so the
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
from .http import HostRegistry, HostSession, registry_for, secret_key
from .ratelimit import Quota, RateLimiter

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


@dataclass(frozen=True)
class ServiceStandard:
    """USPS's service standard for a pair of 3-digit ZIP Codes: delivery days (None: it gave none)."""

    origin3: str
    dest3: str
    mail_class: str
    days: int | None
    raw: str


#: the Service Standards ``mailClass`` for First-Class letters (the value third-party clients use; UNCONFIRMED)
FIRST_CLASS_LETTERS = "FIRST-CLASS_MAIL_LETTERS"


class ApisSignIn:
    """The OAuth client-credentials token of one consumer key, shared by every thread and client."""

    def __init__(self, session: HostSession, token_url: str, client_id: str, client_secret: str) -> None:
        self._session = session
        self._url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self._token: tuple[str, float] | None = None  # (token, renew after: monotonic)
        self._lock = threading.Lock()
        self.sign_ins = 0

    def __repr__(self) -> str:
        return f"ApisSignIn(client_id={self.client_id!r})"

    def token(self, force_new: bool = False) -> str:
        with self._lock:
            if self._token and not force_new and time.monotonic() < self._token[1]:
                return self._token[0]
            data = {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._secret,
                "scope": "addresses service-standards",
            }
            response = self._session.send("POST", self._url, data=data)
            self.sign_ins += 1
            if response.status_code in (400, 401, 403):
                raise AuthError(
                    "USPS rejected the API consumer key and secret; check them in developers.usps.com"
                )
            if response.status_code >= 300:
                raise ServiceUnavailableError(f"USPS API sign-in failed with HTTP {response.status_code}")
            try:
                body = response.json()
                lifetime = float(body.get("expires_in") or 3600)
                access = body["access_token"]
                if not isinstance(access, str) or not access.strip():
                    raise TypeError("access_token is not a text token")
                self._token = (access, time.monotonic() + lifetime / 2)
            except (AttributeError, KeyError, TypeError, ValueError):
                raise ServiceUnavailableError("USPS API sign-in answered without a usable token") from None
            return self._token[0]

    def authorization(self) -> tuple[str, object]:
        token = self.token()
        return f"Bearer {token}", token

    def invalidate(self, seen: object) -> None:
        with self._lock:
            if self._token is not None and self._token[0] == seen:
                self._token = None


class ApisClient:
    """USPS Addresses 3.0 look-ups; the session, quota and token are the process's (see :mod:`.http`)."""

    def __init__(
        self,
        env: Environment,
        client_id: str,
        client_secret: str,
        *,
        quota: Quota | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        registry: HostRegistry | None = None,
        timeout: float | None = None,
    ) -> None:
        self.env = env
        registry, self._own_registry = registry_for(registry, transport, sleep, timeout)
        self.registry = registry
        # The token endpoint and Addresses sit on one host but are counted apart: sign-ins are not look-ups.
        self.session = registry.session(
            f"{env.api_url}/addresses", quota or Quota(per_hour=60), service="USPS Addresses"
        )
        token_session = registry.session(f"{env.api_url}/oauth2", None, service="the USPS API sign-in")
        key = (f"{env.api_url}/oauth2", client_id, secret_key(client_id, client_secret))
        self.auth: ApisSignIn = registry.authenticator(
            key, lambda: ApisSignIn(token_session, f"{env.api_url}/oauth2/v3/token", client_id, client_secret)
        )

        # Service Standards has its own quota (60 calls an hour by default), kept apart from Addresses.
        # It is counted by the caller from the cache's times (actions.standards: every process shares
        # them), not by a token bucket here that would make the 61st call of a burst wait a minute.
        self.standards_session = registry.session(
            f"{env.api_url}/service-standards", None, service="USPS Service Standards"
        )

    def __repr__(self) -> str:
        return f"ApisClient({self.env.name}, client_id={self.auth.client_id!r})"

    @property
    def limiter(self) -> RateLimiter:
        assert self.session.limiter is not None
        return self.session.limiter

    def close(self) -> None:
        if self._own_registry:
            self.registry.close()

    def token(self, force_new: bool = False) -> str:
        return self.auth.token(force_new)

    def address(
        self,
        street: str,
        city: str,
        state: str,
        zip5: str = "",
        secondary: str = "",
        cancel: threading.Event | None = None,
    ) -> StandardAddress:
        """Standardize one address (Addresses 3.0 ``GET /address``)."""
        params = {"streetAddress": street, "city": city, "state": state}
        if zip5:
            params["ZIPCode"] = zip5
        if secondary:
            params["secondaryAddress"] = secondary
        response = self._get(self.session, "/addresses/v3/address", params, "Addresses", cancel)
        status = response.status_code
        if status in (400, 404):
            raise NotFoundError(_api_message(response) or "USPS did not find this address")
        if status >= 300:
            raise UspsError(f"USPS Addresses answered HTTP {status}: {_api_message(response)}")
        return _parse(response)

    def _get(
        self,
        session: HostSession,
        path: str,
        params: dict[str, str],
        api: str,
        cancel: threading.Event | None,
    ) -> httpx.Response:
        """GET one of the APIs; its quota, when reached, is named in the error."""
        try:
            response = session.send(
                "GET", f"{self.env.api_url}{path}", params=params, auth=self.auth, cancel=cancel
            )
        except RateLimitedError as exc:
            raise RateLimitedError(
                f"USPS {api} quota reached (60 an hour by default)", exc.retry_after
            ) from None
        return response

    def service_standard(
        self,
        origin_zip: str,
        dest_zip: str,
        mail_class: str = FIRST_CLASS_LETTERS,
        cancel: threading.Event | None = None,
    ) -> ServiceStandard:
        """The delivery-day standard for mail from ``origin_zip`` to ``dest_zip`` (their first 3 digits).

        ``GET /service-standards/v3/standards`` answers a list of
        ``{mailClass, originZIPCode, destinationZIPCode, days, …}`` (delivery-estimates.md §4.1).
        """
        origin3, dest3 = origin_zip[:3], dest_zip[:3]
        params = {"originZIPCode": origin3, "destinationZIPCode": dest3, "mailClass": mail_class}
        response = self._get(
            self.standards_session, "/service-standards/v3/standards", params, "Service Standards", cancel
        )
        status = response.status_code
        if status in (400, 404):
            return ServiceStandard(origin3, dest3, mail_class, None, response.text)
        if status >= 300:
            raise UspsError(f"USPS Service Standards answered HTTP {status}: {_api_message(response)}")
        return ServiceStandard(origin3, dest3, mail_class, _standard_days(response), response.text)


def _standard_days(response: httpx.Response) -> int | None:
    """The ``days`` of the first entry (a whole number of delivery days, 0-30), else None."""
    try:
        body: Any = response.json()
    except ValueError:
        raise ServiceUnavailableError(
            "USPS Service Standards answered with something that is not JSON"
        ) from None
    entries = body if isinstance(body, list) else body.get("standards") if isinstance(body, dict) else None
    if not isinstance(entries, list) or not entries or not isinstance(entries[0], dict):
        return None
    days = entries[0].get("days")
    text = str(days).strip() if days is not None else ""
    return int(text) if text.isdigit() and int(text) <= 30 else None


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
        street=str(addr.get("streetAddress") or ""),
        secondary=str(addr.get("secondaryAddress") or ""),
        city=str(addr.get("city") or ""),
        state=str(addr.get("state") or ""),
        zip5=str(addr.get("ZIPCode") or ""),
        zip4=zip4 if len(zip4) == 4 and zip4.isdigit() else "",
        delivery_point=dp if len(dp) == 2 and dp.isdigit() else "",
        dpv=dpv,
        raw=response.text,
    )
