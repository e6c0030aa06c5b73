"""HTTP to Ladok: retries with back-off, Ladok's error messages, and the client certificate in PEM or PKCS#12."""

from __future__ import annotations

import datetime as dt
import ssl
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from app.ladok.feed import FeedFetcher
from app.ladok.http import LadokHTTPError, client_ssl_context, get_with_retry, make_client


def scripted(answers: list[httpx.Response | Exception]) -> tuple[httpx.Client, list[str]]:
    """A client whose transport plays `answers` in order, recording the requested URLs."""
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.Client(transport=httpx.MockTransport(handler)), calls


def recorder() -> tuple[list[float], Callable[[float], None]]:
    slept: list[float] = []
    return slept, slept.append


def test_server_errors_are_retried_with_growing_back_off() -> None:
    client, calls = scripted([httpx.Response(503), httpx.Response(502), httpx.Response(200, text="ok")])
    slept, sleep = recorder()
    response = get_with_retry(client, "https://ladok.test/x", {}, sleep=sleep, backoff=0.5)
    assert response.text == "ok" and len(calls) == 3
    assert slept == [0.5, 1.0]


def test_rate_limit_honours_retry_after() -> None:
    client, _ = scripted([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)])
    slept, sleep = recorder()
    assert get_with_retry(client, "https://ladok.test/x", {}, sleep=sleep).status_code == 200
    assert slept == [7.0]


def test_timeouts_and_connection_errors_are_retried() -> None:
    client, calls = scripted([httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), httpx.Response(200)])
    _, sleep = recorder()
    assert get_with_retry(client, "https://ladok.test/x", {}, sleep=sleep).status_code == 200
    assert len(calls) == 3


def test_giving_up_reports_ladoks_meddelande_and_that_it_may_work_later() -> None:
    busy = httpx.Response(503, json={"Meddelande": "Tjänsten är inte tillgänglig", "FelUID": "x"})
    client, calls = scripted([busy] * 3)
    _, sleep = recorder()
    with pytest.raises(LadokHTTPError, match="Tjänsten är inte tillgänglig") as caught:
        get_with_retry(client, "https://ladok.test/x", {}, attempts=3, sleep=sleep)
    assert caught.value.status == 503 and caught.value.retry_later and len(calls) == 3


def test_client_errors_are_not_retried() -> None:
    client, calls = scripted([httpx.Response(404, json={"Meddelande": "Hittades inte"})])
    _, sleep = recorder()
    assert get_with_retry(client, "https://ladok.test/x", {}, sleep=sleep).status_code == 404
    assert len(calls) == 1


def test_feed_fetcher_asks_for_atom_and_raises_on_refusal() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Accept"])
        return httpx.Response(403, json={"Meddelande": "Certifikatet saknar behörighet"})

    fetch = FeedFetcher(httpx.Client(transport=httpx.MockTransport(handler)), backoff=0)
    with pytest.raises(LadokHTTPError, match="403 Certifikatet saknar behörighet") as caught:
        fetch("https://ladok.test/handelser/feed/recent")
    assert seen == ["application/atom+xml"] and not caught.value.retry_later


def _key_and_cert() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kursadmin-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def test_pem_certificate_with_key_loads(tmp_path: Path) -> None:
    key, cert = _key_and_cert()
    pem = tmp_path / "ladok.pem"
    pem.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    assert isinstance(client_ssl_context(pem), ssl.SSLContext)


def test_pkcs12_with_password_is_converted(tmp_path: Path) -> None:
    key, cert = _key_and_cert()
    p12 = tmp_path / "ladok.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"ladok", key, cert, None, serialization.BestAvailableEncryption(b"hemligt")
        )
    )
    leftovers = set(Path(tempfile.gettempdir()).glob("kursadmin-ladok-*"))
    assert isinstance(client_ssl_context(p12, "hemligt"), ssl.SSLContext)
    assert set(Path(tempfile.gettempdir()).glob("kursadmin-ladok-*")) == leftovers  # converted key removed
    with make_client(p12, "hemligt") as client:
        assert isinstance(client, httpx.Client)
    with pytest.raises(ValueError):
        client_ssl_context(p12, "fel")
