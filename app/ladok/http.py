"""HTTP to Ladok: client-certificate TLS (PEM or PKCS#12) to Ladok's origin only, bounded answers, retries."""

from __future__ import annotations

import os
import secrets
import ssl
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from app.core.origins import same_origin, shown

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ANSWER_BYTES = 8 * 1024 * 1024
"""Largest REST answer read: each look-up answers one object, the largest being the list of every period."""


class LadokHTTPError(Exception):
    """Ladok answered with an error (its `Meddelande` when given) or could not be reached."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after

    @property
    def retry_later(self) -> bool:
        """Whether trying again later may succeed (429, 5xx, network); a 4xx other than 429 will not."""
        return self.status is None or self.status in RETRY_STATUSES


def client_ssl_context(
    cert_path: str | os.PathLike[str], password: str | None = None, ca_file: str | os.PathLike[str] | None = None
) -> ssl.SSLContext:
    """An SSL context presenting Ladok's client certificate: a PEM file, or PKCS#12 (.p12/.pfx) with password.

    The server is verified against the system's CAs, or `ca_file` (e.g. for a Ladok test environment).
    """
    context = ssl.create_default_context(cafile=ca_file)
    data = Path(cert_path).read_bytes()
    if b"-----BEGIN" in data:
        context.load_cert_chain(cert_path, password=password)
        return context
    key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    if key is None or cert is None:
        raise ValueError(f"{cert_path}: PKCS#12 file holds no private key and certificate")
    # ssl only loads chains from files: write PEM with the key re-encrypted under a one-time password, so the
    # plain key never touches the disk, and remove the file at once.
    one_time = secrets.token_urlsafe(32)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(one_time.encode()),
    ) + b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *extra])
    with tempfile.TemporaryDirectory(prefix="kursadmin-ladok-") as folder:
        path = Path(folder) / "client.pem"
        path.touch(mode=0o600)
        path.write_bytes(pem)
        context.load_cert_chain(path, password=one_time)
    return context


def make_client(
    ladok_url: str,
    cert_path: str | os.PathLike[str] | None = None,
    password: str | None = None,
    *,
    ca_file: str | os.PathLike[str] | None = None,
    transport: httpx.BaseTransport | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
) -> httpx.Client:
    """An httpx client for the Ladok at `ladok_url`; with no certificate (an http:// sandbox) it presents none.

    The client refuses, before connecting, any request outside `ladok_url`'s origin: feed pages name the
    pages to read next, and the client certificate must not be presented to whatever host they name.
    """
    verify: ssl.SSLContext | bool = True
    if cert_path:
        verify = client_ssl_context(cert_path, password, ca_file)
    elif ca_file:
        verify = ssl.create_default_context(cafile=ca_file)
    return httpx.Client(
        verify=verify,
        timeout=timeout,
        transport=transport,
        follow_redirects=False,
        event_hooks={"request": [_only_to(ladok_url)]},
    )


def _only_to(ladok_url: str) -> Callable[[httpx.Request], None]:
    def refuse_elsewhere(request: httpx.Request) -> None:
        if not same_origin(str(request.url), ladok_url):
            raise LadokHTTPError(
                f"refused to follow a link to {shown(str(request.url))}: not Ladok "
                f"({shown(ladok_url)}), and the client certificate goes only there"
            )

    return refuse_elsewhere


def get_with_retry(
    client: httpx.Client,
    url: str,
    headers: dict[str, str],
    *,
    max_bytes: int = MAX_ANSWER_BYTES,
    attempts: int = 4,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """GET `url`, retrying 429/5xx/timeouts/network errors with exponential back-off (Retry-After honoured).

    Returns any response that is not retried (2xx, 404, other 4xx), its body read; raises LadokHTTPError when
    retries run out, or at once when the body passes `max_bytes`.
    """
    last: LadokHTTPError | None = None
    for attempt in range(max(1, attempts)):
        if attempt:
            delay = backoff * 2 ** (attempt - 1)
            if last is not None and last.retry_after is not None:
                delay = max(delay, min(last.retry_after, 60.0))
            sleep(delay)
        try:
            response = _get_bounded(client, url, headers, max_bytes)
        except httpx.TimeoutException as exc:
            last = LadokHTTPError(f"GET {url}: timed out ({type(exc).__name__})")
            continue
        except httpx.TransportError as exc:
            last = LadokHTTPError(f"GET {url}: {type(exc).__name__}: {exc}")
            continue
        if response.status_code not in RETRY_STATUSES:
            return response
        last = error_from(response)
    assert last is not None  # the loop ran at least once
    raise last


def _get_bounded(client: httpx.Client, url: str, headers: dict[str, str], max_bytes: int) -> httpx.Response:
    """GET `url` reading the body as it arrives, and refuse it as soon as it passes `max_bytes`.

    Bytes are counted after decompression, so neither a long answer nor a small compressed one that
    unpacks to gigabytes is ever held whole.
    """
    with client.stream("GET", url, headers=headers) as streamed:
        declared = streamed.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(url, streamed.status_code, max_bytes, f"Content-Length {declared}")
        body = bytearray()
        for chunk in streamed.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise _too_large(url, streamed.status_code, max_bytes, f"{len(body)} bytes read so far")
    # The body is decoded already: the copy must not claim an encoding, or it would be decoded twice.
    encoding = ("content-encoding", "content-length")
    kept = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() not in encoding]
    return httpx.Response(
        streamed.status_code,
        headers=kept,
        content=bytes(body),
        request=streamed.request,
        extensions=streamed.extensions,
    )


def _too_large(url: str, status: int, max_bytes: int, seen: str) -> LadokHTTPError:
    return LadokHTTPError(f"GET {url}: the answer is over the {max_bytes} byte limit ({seen}); refused", status=status)


def error_from(response: httpx.Response) -> LadokHTTPError:
    """A LadokHTTPError for an error response, carrying Ladok's `Meddelande` when the body has one."""
    message = response.reason_phrase
    try:
        body = response.json()
        if isinstance(body, dict) and body.get("Meddelande"):
            message = str(body["Meddelande"])
    except ValueError:
        pass
    retry_after: float | None = None
    try:
        retry_after = float(response.headers.get("Retry-After", ""))
    except ValueError:
        retry_after = None
    return LadokHTTPError(
        f"GET {response.request.url}: {response.status_code} {message}",
        status=response.status_code,
        retry_after=retry_after,
    )
