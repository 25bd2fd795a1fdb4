"""The USPS stand-in: a real HTTP server on 127.0.0.1 speaking like IV-MTR and apis.usps.com.

Routes and bodies follow iv-api.md §7.1: IV sign-in and token renewal, piece
lookup by IMb and by MID/serial, the apis.usps.com OAuth token and the
Addresses 3.0 ``/address`` lookup.  A ``/sandbox/…`` admin API moves the
simulated clock, registers pieces, queues faults and reports request counts
(the real USPS has none of these; the app never calls them outside demo and
tests).  Standard library only: ``ThreadingHTTPServer``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import socket
import threading
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from .faults import Faults
from .state import SimClock, World

log = logging.getLogger(__name__)

IV_CLIENT_ID = "687b8a36-db61-42f7-83f7-11c79bf7785e"
IV_SCOPE = "user.info.ereg,iv1.apis"
PIECE_PREFIX = "/ivws_api/informedvisapi/api/mt/get/piece/"
DEMO_USERNAME = "demo-mailer"
DEMO_PASSWORD = "demo-password"
DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"


class Sandbox:
    """Configuration and state shared by all request handlers."""

    def __init__(
        self,
        *,
        token_ttl: float = 1800,
        quota_per_minute: float | None = None,
        faults: str = "",
        seed: int = 1,
        retention_days: int = 30,
        start: datetime | None = None,
        users: dict[str, str] | None = None,
    ) -> None:
        self.clock = SimClock(start or datetime.now(UTC).replace(tzinfo=None, microsecond=0))
        self.world = World(self.clock, retention_days)
        self.world.seed_fixtures()
        self.faults = Faults(faults, seed)
        self.token_ttl = token_ttl
        self.users = users or {DEMO_USERNAME: DEMO_PASSWORD}
        self.tokens: dict[str, float] = {}  # access token -> expiry (monotonic)
        self.refresh_tokens: set[str] = set()
        self.api_tokens: dict[str, float] = {}
        self.quota = quota_per_minute
        self._allowance = max(
            (quota_per_minute or 0.0) / 6, 1.0
        )  # the bucket starts full: ten seconds' worth
        self._allow_stamp = time.monotonic()
        self.lock = threading.Lock()
        self.stats: dict[str, int] = {}
        self.sign_in_outage = 0  # the next N sign-ins answer 503 with Retry-After
        #: monotonic arrival times of the latest piece and address requests (tests check the quota with it)
        self.arrivals: deque[float] = deque(maxlen=100_000)

    def count(self, key: str) -> None:
        with self.lock:
            self.stats[key] = self.stats.get(key, 0) + 1

    def over_quota(self) -> bool:
        """Server-side per-minute quota (a token bucket holding ten seconds' worth)."""
        if not self.quota:
            return False
        with self.lock:
            now = time.monotonic()
            rate = self.quota / 60
            self._allowance = min(max(rate * 10, 1), self._allowance + (now - self._allow_stamp) * rate)
            self._allow_stamp = now
            if self._allowance < 1:
                return True
            self._allowance -= 1
            return False

    def new_token(self, ttl: float | None = None) -> tuple[str, str]:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[access] = time.monotonic() + (ttl or self.token_ttl)
            self.refresh_tokens.add(refresh)
        return access, refresh

    def token_ok(self, header: str | None) -> bool:
        if not header or not header.startswith("Bearer "):
            return False
        with self.lock:
            expiry = self.tokens.get(header[7:])
        return expiry is not None and time.monotonic() < expiry


class Handler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every keep-alive request.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("sandbox: " + format, *args)

    # ------------------------------------------------------------ helpers

    @property
    def box(self) -> Sandbox:
        return self.server.sandbox

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.box.count(f"status_{status}")

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(obj).encode(), headers=headers)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        if (self.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        try:
            value = json.loads(raw)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def _api_error(
        self, status: int, message: str, title: str, headers: dict[str, str] | None = None
    ) -> None:
        self._json(
            status,
            {
                "apiVersion": "/addresses/v3",
                "error": {
                    "code": str(status),
                    "message": message,
                    "errors": [{"status": str(status), "code": title, "title": title, "detail": message}],
                },
            },
            headers,
        )

    # ------------------------------------------------------------ routing

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path.startswith(PIECE_PREFIX):
            self._piece(url.path[len(PIECE_PREFIX) :])
        elif url.path == "/addresses/v3/address":
            self._address(parse_qs(url.query))
        elif url.path == "/service-standards/v3/standards":
            self._standards(parse_qs(url.query))
        elif url.path == "/sandbox/stats":
            with self.box.lock:
                stats = dict(self.box.stats)
            self._json(
                200, {"now": self.box.clock.now().isoformat(), "pieces": len(self.box.world), "stats": stats}
            )
        else:
            self._json(404, {"message": "no such route"})

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        url = urlparse(self.path)
        routes = {
            "/oauth/authenticate": self._authenticate,
            "/oauth/token": self._refresh,
            "/oauth2/v3/token": self._api_token,
            "/sandbox/clock": self._clock,
            "/sandbox/pieces": self._register,
            "/sandbox/faults": self._faults,
        }
        handler = routes.get(url.path)
        if handler is None:
            self._json(404, {"message": "no such route"})
            return
        handler(self._body())

    # ------------------------------------------------------------ IV

    def _authenticate(self, body: dict[str, Any]) -> None:
        self.box.count("authenticate")
        with self.box.lock:
            down = self.box.sign_in_outage > 0
            self.box.sign_in_outage -= 1 if down else 0
        if down:  # a sign-in outage (POST /sandbox/faults {"sign_in_outage": N})
            self._json(
                503, {"error": "temporarily_unavailable"}, {"Retry-After": f"{self.box.faults.retry_after:g}"}
            )
            return
        expected = {
            "grant_type": "authorization",
            "response_type": "token",
            "scope": IV_SCOPE,
            "client_id": IV_CLIENT_ID,
        }
        if any(body.get(k) != v for k, v in expected.items()):
            self._json(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "grant_type, response_type, scope and client_id must be the IV-MTR values",
                },
            )
            return
        if self.box.users.get(str(body.get("username"))) != body.get("password"):
            self._json(401, {"error": "invalid_grant", "error_description": "Invalid username or password"})
            return
        access, refresh = self.box.new_token()
        self._json(
            200,
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": int(self.box.token_ttl),
                "refresh_token": refresh,
            },
        )

    def _refresh(self, body: dict[str, Any]) -> None:
        self.box.count("refresh")
        token = body.get("refresh_token")
        with self.box.lock:
            known = token in self.box.refresh_tokens
        if not known:
            self._json(401, {"error": "invalid_grant", "error_description": "refresh token is not valid"})
            return
        access, _ = self.box.new_token()
        # Like USPS: the renewal carries no refresh_token; the client must keep the old one.
        self._json(
            200, {"access_token": access, "token_type": "Bearer", "expires_in": int(self.box.token_ttl)}
        )

    def _piece(self, rest: str) -> None:
        self.box.count("piece_requests")
        with self.box.lock:
            self.box.arrivals.append(time.monotonic())
        fault = self.box.faults.next()
        if fault is not None:
            self.box.count(f"fault_{fault}")
            if self._inject(fault):
                return
        if self.box.over_quota():
            self._json(429, {"message": "Too Many Requests"}, {"Retry-After": "1"})
            return
        if not self.box.token_ok(self.headers.get("Authorization")):
            self._json(
                401, {"error": "invalid_token", "error_description": "token missing, expired or invalid"}
            )
            return
        parts = rest.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "imb":
            state, body = self.box.world.piece_payload(parts[1])
            if state == "empty":
                self._send(200, b"")
            elif state == "missing":
                self._json(200, {"message": "Barcode not found.", "data": None})
            else:
                self._json(200, body)
            return
        if len(parts) in (4, 6) and parts[0] == "mid" and parts[2] == "serial":
            stid = parts[5] if len(parts) == 6 and parts[4] == "stid" else None
            self._json(
                200,
                {"message": None, "data": {"barcodes": self.box.world.barcodes(parts[1], parts[3], stid)}},
            )
            return
        self._json(404, {"message": "no such route"})

    def _inject(self, fault: str) -> bool:
        """Answer with the fault; False means 'carry on normally' (a timeout that already waited)."""
        if fault == "timeout":
            time.sleep(self.box.faults.hang_seconds)
            return False
        if fault == "html":
            self._send(200, b"<html><body><h1>Site maintenance</h1></body></html>", "text/html")
        elif fault == "empty":
            self._send(200, b"")
        elif fault == "429":
            self._json(
                429, {"message": "Too Many Requests"}, {"Retry-After": f"{self.box.faults.retry_after:g}"}
            )
        elif fault == "429date":  # Retry-After as an HTTP date, as RFC 9110 allows
            when = datetime.now(UTC) + timedelta(seconds=self.box.faults.retry_after)
            self._json(
                429, {"message": "Too Many Requests"}, {"Retry-After": format_datetime(when, usegmt=True)}
            )
        elif fault == "badtype":  # valid JSON, unexpected types: numbers where USPS sends text
            scan = {
                "scan_date_time": "2026-12-01T10:00:00",
                "scan_event_code": 919,
                "mail_phase": 42,
                "scan_facility_zip": 62704,
                "machine_name": ["A", 1],
                "handling_event_type": None,
            }
            self._json(
                200, {"message": None, "data": {"imb": None, "expected_delivery_date": 7, "scans": [scan]}}
            )
        elif fault == "otherimb":  # an answer naming another barcode than the one asked for
            scan = {
                "scan_date_time": "2026-12-01T10:00:00",
                "scan_event_code": "919",
                "mail_phase": "Phase 4c",
            }
            self._json(200, {"message": None, "data": {"imb": "0027099999900000000162704", "scans": [scan]}})
        elif fault == "redirect":
            self._json(302, {"message": "moved"}, {"Location": "https://example.invalid/"})
        elif fault == "echo":  # an error text that echoes the request's token back
            echoed = self.headers.get("Authorization") or ""
            self._json(400, {"message": f"malformed request (Authorization: {echoed})"})
        elif fault == "dribble":  # a body that never quite stops: one byte at a time, never a read timeout
            body = b'{"message": null, "data": {"scans": []}}' + b" " * 100_000
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            stop = time.monotonic() + self.box.faults.hang_seconds
            try:
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    if time.monotonic() > stop:
                        break
                    time.sleep(0.05)
            except OSError:
                pass  # the client gave up on it, as it should
            self.close_connection = True
        elif fault == "deep":  # valid JSON nested far deeper than any parser allows
            self._send(200, b'{"data": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")
        elif fault == "429n":
            self._json(429, {"message": "Too Many Requests"})
        elif fault == "401":
            self._json(401, {"error": "invalid_token", "error_description": "token rejected"})
        else:
            self._json(int(fault), {"message": f"HTTP {fault}"})
        return True

    # ------------------------------------------------------------ apis.usps.com

    def _api_token(self, body: dict[str, Any]) -> None:
        self.box.count("api_token")
        if (
            body.get("grant_type") != "client_credentials"
            or body.get("client_id") != DEMO_CLIENT_ID
            or body.get("client_secret") != DEMO_CLIENT_SECRET
        ):
            self._json(401, {"error": "invalid_client", "error_description": "client authentication failed"})
            return
        access = secrets.token_urlsafe(24)
        with self.box.lock:
            self.box.api_tokens = {
                access: time.monotonic() + 28799
            }  # a new token invalidates the previous one
        asked = str(body.get("scope") or "addresses").split()
        scope = " ".join(s for s in asked if s in ("addresses", "service-standards"))
        self._json(
            200,
            {
                "access_token": access,
                "token_type": "Bearer",
                "issued_at": int(time.time() * 1000),
                "expires_in": 28799,
                "status": "approved",
                "scope": scope,
                "issuer": "https://keyc.usps.com/realms/USPS",
                "client_id": DEMO_CLIENT_ID,
                "application_name": "IMb Tracker sandbox",
                "api_products": ["Public Access"],
            },
        )

    def _api_admitted(self) -> bool:
        """An injected fault, then the bearer token, as the USPS APIs check them (False: answered)."""
        fault = self.box.faults.next()
        if fault is not None:
            self.box.count(f"fault_{fault}")
            if self._inject(fault):
                return False
        token = (self.headers.get("Authorization") or "")[7:]
        with self.box.lock:
            ok = time.monotonic() < self.box.api_tokens.get(token, 0)
        if not ok:
            self._api_error(
                401,
                "token missing, expired or invalid",
                "invalid_token",
                {"WWW-Authenticate": 'Bearer realm="https://api.usps.com"'},
            )
        return ok

    def _address(self, query: dict[str, list[str]]) -> None:
        self.box.count("address")
        with self.box.lock:
            self.box.arrivals.append(time.monotonic())
        if not self._api_admitted():
            return
        if self.box.over_quota():
            self._api_error(429, "too many requests", "TOO_MANY_REQUESTS", {"Retry-After": "30"})
            return
        street = (query.get("streetAddress") or [""])[0].upper()
        state = (query.get("state") or [""])[0].upper()
        city = (query.get("city") or [""])[0].upper()
        zip5 = (query.get("ZIPCode") or [""])[0]
        if not street or len(state) != 2 or not (city or zip5):
            self._api_error(
                400, "Must specify a street address, a state, and either a city or a ZIP Code.", "010001"
            )
            return
        if "NOWHERE" in street:
            self._api_error(404, "Address Not Found.", "010005")
            return
        digest = hashlib.sha256(f"{street}|{city}|{state}|{zip5}".encode()).hexdigest()
        zip5 = zip5 or f"{int(digest[:5], 16) % 90000 + 10000}"
        self._json(
            200,
            {
                "firm": None,
                "address": {
                    "streetAddress": street,
                    "secondaryAddress": None,
                    "city": city or "SPRINGFIELD",
                    "state": state,
                    "ZIPCode": zip5,
                    "ZIPPlus4": f"{int(digest[5:9], 16) % 10000:04d}",
                    "urbanization": None,
                },
                "additionalInfo": {
                    "deliveryPoint": f"{int(digest[9:11], 16) % 100:02d}",
                    "carrierRoute": "C012",
                    "DPVConfirmation": "Y",
                    "DPVCMRA": "N",
                    "business": "N",
                    "centralDeliveryPoint": "N",
                    "vacant": "N",
                },
                "corrections": [{"code": "", "text": ""}],
                "matches": [{"code": "31", "text": "Single Response - exact match"}],
                "warnings": [],
            },
        )

    def _standards(self, query: dict[str, list[str]]) -> None:
        """Service Standards 3.x: days for a pair of 3-digit ZIPs, in USPS's list shape (§4.1).

        The days follow distance, roughly: the same 3-digit area 2, the same first digit 3, the
        next region 4, farther 5 (First-Class letters take 1-5 delivery days).
        """
        self.box.count("standards")
        if not self._api_admitted():
            return
        origin = (query.get("originZIPCode") or [""])[0]
        dest = (query.get("destinationZIPCode") or [""])[0]
        mail_class = (query.get("mailClass") or [""])[0]
        if not (
            origin[:3].isdigit() and dest[:3].isdigit() and len(origin) in (3, 5) and len(dest) in (3, 5)
        ):
            self._api_error(400, "originZIPCode and destinationZIPCode must be 3 or 5 digits", "020001")
            return
        gap = abs(int(origin[0]) - int(dest[0]))
        days = 2 if origin[:3] == dest[:3] else 3 if gap == 0 else 4 if gap <= 2 else 5
        today = self.box.clock.now().date()
        self._json(
            200,
            [
                {
                    "mailClass": mail_class or "FIRST-CLASS_MAIL_LETTERS",
                    "originZIPCode": origin[:3],
                    "destinationZIPCode": dest[:3],
                    "days": days,
                    "effectiveAcceptanceDate": today.isoformat(),
                    "scheduledDeliveryDate": (today + timedelta(days=days)).isoformat(),
                }
            ],
        )

    # ------------------------------------------------------------ admin

    def _clock(self, body: dict[str, Any]) -> None:
        now = self.box.clock.advance(
            timedelta(days=float(body.get("advance_days", 0)), hours=float(body.get("advance_hours", 0)))
        )
        self._json(200, {"now": now.isoformat()})

    def _register(self, body: dict[str, Any]) -> None:
        count = 0
        for item in body.get("pieces", []):
            mailed = (
                datetime.fromisoformat(item["mailed_at"]) if item.get("mailed_at") else self.box.clock.now()
            )
            self.box.world.register(
                str(item["imb"]),
                mailed,
                item.get("city", "SPRINGFIELD"),
                item.get("state", "IL"),
                item.get("zip", "62704"),
            )
            count += 1
        self._json(200, {"registered": count, "now": self.box.clock.now().isoformat()})

    def _faults(self, body: dict[str, Any]) -> None:
        try:
            self.box.faults.push([str(k) for k in body.get("next", [])])
        except ValueError as exc:
            self._json(400, {"message": str(exc)})
            return
        if "retry_after" in body:
            self.box.faults.retry_after = float(body["retry_after"])
        if "hang_seconds" in body:
            self.box.faults.hang_seconds = float(body["hang_seconds"])
        if "sign_in_outage" in body:
            with self.box.lock:
                self.box.sign_in_outage = int(body["sign_in_outage"])
        self._json(200, {"queued": len(self.box.faults.queue)})


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        super().__init__(address, Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that timed out and hung up is expected (timeout faults); not worth a traceback.
        log.debug("sandbox: connection from %s ended early", client_address)


class SandboxServer:
    """Run the stand-in on 127.0.0.1 (port 0 = any free port) in a background thread."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", **options: Any) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the sandbox only listens on the loopback address")
        self.sandbox = Sandbox(**options)
        self.httpd = SandboxHTTPServer((host, port), self.sandbox)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="usps-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
