"""Where the USPS services are: production, USPS test environments, or custom base URLs.

The sandbox is just another custom base URL; nothing in the clients knows it
is talking to a stand-in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

IV_URL_ENV = "IMB_TRACKER_IV_URL"
IV_AUTH_URL_ENV = "IMB_TRACKER_IV_AUTH_URL"
API_URL_ENV = "IMB_TRACKER_API_URL"


@dataclass(frozen=True)
class Environment:
    name: str
    iv_auth_url: str  # …/oauth
    iv_api_url: str  # …/ivws_api/informedvisapi
    api_url: str  # apis.usps.com root


ENVIRONMENTS = {
    "production": Environment(
        "production",
        "https://services.usps.com/oauth",
        "https://iv.usps.com/ivws_api/informedvisapi",
        "https://apis.usps.com",
    ),
    # IV-MTR "CAT" and the USPS APIs "TEM" test hosts (iv-api.md §2.2, §3.1).
    "test": Environment(
        "test",
        "https://cat-services.usps.com/oauth",
        "https://qiv.usps.com/ivws_api/informedvisapi",
        "https://apis-tem.usps.com",
    ),
}


def sandbox_environment(base_url: str) -> Environment:
    """The built-in USPS stand-in at ``base_url`` (same routes as USPS, on one host)."""
    base = base_url.rstrip("/")
    return Environment("sandbox", f"{base}/oauth", f"{base}/ivws_api/informedvisapi", base)


def environment(name: str = "production") -> Environment:
    """A named environment with the IMB_TRACKER_*_URL variables laid over it."""
    env = ENVIRONMENTS.get(name)
    if env is None:
        if name.startswith(("http://", "https://")):
            env = sandbox_environment(name)
        else:
            raise ValueError(f"unknown USPS environment {name!r}; use production, test, or a base URL")
    return Environment(
        env.name
        if not any(os.environ.get(k) for k in (IV_URL_ENV, IV_AUTH_URL_ENV, API_URL_ENV))
        else "custom",
        os.environ.get(IV_AUTH_URL_ENV, env.iv_auth_url).rstrip("/"),
        os.environ.get(IV_URL_ENV, env.iv_api_url).rstrip("/"),
        os.environ.get(API_URL_ENV, env.api_url).rstrip("/"),
    )
