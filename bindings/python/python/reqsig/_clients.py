"""Helpers shared by the requests and httpx integrations."""

from __future__ import annotations

from typing import Tuple
from urllib.parse import urlsplit, urlunsplit

#: The fields a signature adds. The integrations own them: they replace any
#: present before signing, and drop them from requests they do not sign.
SIGNATURE_FIELDS = ("Signature-Input", "Signature")

_DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = Tuple[str, str, int]


def origin_of(url: str) -> Origin:
    """Return the origin of a URL: scheme, lowercase host and port (RFC 6454)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port if parts.port is not None else _DEFAULT_PORTS.get(scheme, 0)
    return scheme, (parts.hostname or "").lower(), port


def without_userinfo(url: str) -> str:
    """Remove ``user:password@`` from a URL, because clients send it as a header, not in the target."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
