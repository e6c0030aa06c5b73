"""The client certificate really authenticates: mutual TLS on loopback, from PEM and from PKCS#12."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from app.ladok.http import make_client
from tests.tls import make_cert, new_key, pem


class _WhoAmI(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        peer = self.connection.getpeercert() or {}  # type: ignore[attr-defined]
        names = [value for rdn in peer.get("subject", ()) for key, value in rdn if key == "commonName"]
        body = ",".join(names).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path, Path, Path]]:
    """An HTTPS server on 127.0.0.1 requiring a client certificate from our test CA.

    Yields (url, CA file, client PEM, client PKCS#12 with password "hemligt").
    """
    ca_key, server_key, client_key = new_key(), new_key(), new_key()
    ca = make_cert("Test CA", ca_key, None, ca=True)
    server = make_cert("127.0.0.1", server_key, (ca.subject, ca_key))
    client = make_cert("kursadmin-kth", client_key, (ca.subject, ca_key))
    (tmp_path / "ca.pem").write_bytes(pem(ca))
    (tmp_path / "server.pem").write_bytes(pem(server, server_key))
    (tmp_path / "client.pem").write_bytes(pem(client, client_key))
    (tmp_path / "client.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"client", client_key, client, None, serialization.BestAvailableEncryption(b"hemligt")
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server.pem")
    context.load_verify_locations(tmp_path / "ca.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    httpd = HTTPServer(("127.0.0.1", 0), _WhoAmI)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield (
            f"https://127.0.0.1:{httpd.server_port}",
            tmp_path / "ca.pem",
            tmp_path / "client.pem",
            tmp_path / "client.p12",
        )
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_pkcs12_certificate_is_presented(tls_server: tuple[str, Path, Path, Path]) -> None:
    url, ca, _, p12 = tls_server
    with make_client(url, p12, "hemligt", ca_file=ca) as client:
        assert client.get(f"{url}/handelser/feed/recent").text == "kursadmin-kth"


def test_pem_certificate_is_presented(tls_server: tuple[str, Path, Path, Path]) -> None:
    url, ca, client_pem, _ = tls_server
    with make_client(url, client_pem, ca_file=ca) as client:
        assert client.get(f"{url}/handelser/feed/recent").text == "kursadmin-kth"


def test_without_a_certificate_the_server_refuses(tls_server: tuple[str, Path, Path, Path]) -> None:
    url, ca, _, _ = tls_server
    with make_client(url, ca_file=ca) as client, pytest.raises(httpx.TransportError):
        client.get(f"{url}/handelser/feed/recent")
