"""HTTP to Ladok: retries, its error messages, the client certificate (PEM, PKCS#12) only to Ladok, bounded answers."""

from __future__ import annotations

import gzip
import ssl
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from app.ladok.directory import RestLadokDirectory
from app.ladok.feed import FeedFetcher, FeedPosition, walk
from app.ladok.http import LadokHTTPError, client_ssl_context, get_with_retry, make_client
from tests.tls import Key, make_cert, new_key, pem


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


def _key_and_cert() -> tuple[Key, x509.Certificate]:
    key = new_key()
    return key, make_cert("kursadmin-test", key, None)


def test_pem_certificate_with_key_loads(tmp_path: Path) -> None:
    key, cert = _key_and_cert()
    path = tmp_path / "ladok.pem"
    path.write_bytes(pem(cert, key))
    assert isinstance(client_ssl_context(path), ssl.SSLContext)


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
    with make_client("https://ladok.test", p12, "hemligt") as client:
        assert isinstance(client, httpx.Client)
    with pytest.raises(ValueError):
        client_ssl_context(p12, "fel")


LADOK = "https://api.mit-integration.ladok.se"


def test_feed_links_are_followed_only_on_ladoks_origin(ladok_dir: Path) -> None:
    planted = b'<link rel="next-archive" href="https://ladok.attacker.example/uppfoljning/feed/256260"/>'
    page = (
        (ladok_dir / "feeds" / "ladok3-recent-2017.xml")
        .read_bytes()
        .replace(b'<link rel="prev-archive"', planted + b'<link rel="prev-archive"')
    )
    requested: list[str] = []

    def ladok(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        return httpx.Response(200, content=page)

    fetch = FeedFetcher(make_client(LADOK, transport=httpx.MockTransport(ladok)), backoff=0)
    walked = []
    with pytest.raises(LadokHTTPError) as refused:
        for batch in walk(fetch, FeedPosition(f"{LADOK}/uppfoljning/feed/256259", None)):
            walked.append(batch)

    assert requested == [f"{LADOK}/uppfoljning/feed/256259"]  # the attacker's host got no request, no certificate
    assert len(walked) == 1 and len(walked[0].new_entries) == 53  # the page before the link was read
    assert str(refused.value) == (
        "refused to follow a link to https://ladok.attacker.example:443: not Ladok "
        "(https://api.mit-integration.ladok.se:443), and the client certificate goes only there"
    )


@pytest.mark.parametrize(
    "elsewhere",
    [
        "http://api.mit-integration.ladok.se/uppfoljning/feed/2",  # the same host in plain http
        "https://api.mit-integration.ladok.se:8443/uppfoljning/feed/2",
        "https://api.mit-integration.ladok.se.attacker.example/uppfoljning/feed/2",
    ],
)
def test_no_request_leaves_ladoks_origin(elsewhere: str) -> None:
    requested: list[httpx.Request] = []
    client = make_client(LADOK, transport=httpx.MockTransport(lambda r: requested.append(r) or httpx.Response(200)))

    with pytest.raises(LadokHTTPError, match="refused to follow a link to"):
        FeedFetcher(client, backoff=0)(elsewhere)
    assert requested == []


class Endless(httpx.SyncByteStream):
    """A body that never ends, counting the chunks the client asked for."""

    def __init__(self, chunk: bytes) -> None:
        self.chunk = chunk
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        while True:
            self.pulled += 1
            yield self.chunk


def test_a_feed_page_is_refused_as_soon_as_it_passes_the_limit_not_after_it_is_read() -> None:
    body = Endless(b"<entry>" + b" " * 1017)  # 1 KiB at a time, for ever
    client = make_client(LADOK, transport=httpx.MockTransport(lambda _: httpx.Response(200, stream=body)))

    with pytest.raises(LadokHTTPError, match=r"over the 65536 byte limit \(66560 bytes read so far\); refused"):
        FeedFetcher(client, backoff=0, max_bytes=64 * 1024)(f"{LADOK}/uppfoljning/feed/1")
    assert body.pulled == 65


def test_an_announced_length_over_the_limit_is_refused_before_reading() -> None:
    body = Endless(b" " * 1024)
    answer = httpx.Response(200, stream=body, headers={"Content-Length": str(10**9)})
    client = make_client(LADOK, transport=httpx.MockTransport(lambda _: answer))

    with pytest.raises(LadokHTTPError, match=r"\(Content-Length 1000000000\)"):
        FeedFetcher(client, backoff=0, max_bytes=64 * 1024)(f"{LADOK}/uppfoljning/feed/1")
    assert body.pulled == 0


def test_a_small_compressed_answer_that_unpacks_past_the_limit_is_refused() -> None:
    bomb = gzip.compress(b"{" + b" " * (4 * 1024 * 1024))  # 4 KB on the wire
    answer = httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"})
    client = make_client(LADOK, transport=httpx.MockTransport(lambda _: answer))
    directory = RestLadokDirectory(client, LADOK, backoff=0, max_bytes=1024 * 1024)

    with pytest.raises(LadokHTTPError, match="over the 1048576 byte limit"):
        directory.student("stud-1")


def test_an_answer_within_the_limit_reads_as_before() -> None:
    body = gzip.compress(b'{"Fornamn": "Kim", "Efternamn": "Ek"}')
    client = make_client(
        LADOK,
        transport=httpx.MockTransport(
            lambda r: (
                httpx.Response(200, content=body, headers={"Content-Encoding": "gzip"})
                if r.url.path.endswith("1")
                else httpx.Response(404, json={"Meddelande": "Hittades inte"})
            )
        ),
    )
    student = RestLadokDirectory(client, LADOK, backoff=0, max_bytes=1024).student("stud-1")
    assert student is not None and (student.first_name, student.email) == ("Kim", None)
