"""Certificates for TLS servers on loopback: a test CA and what it signs, written as PEM files."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Key = ec.EllipticCurvePrivateKey


def make_cert(cn: str, key: Key, issuer: tuple[x509.Name, Key] | None, *, ca: bool = False) -> x509.Certificate:
    """A certificate for `cn`, valid for an hour, signed by `issuer` (self-signed without); not a CA: for 127.0.0.1."""
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer_name, issuer_key = issuer or (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert: x509.Certificate, key: Key | None = None) -> bytes:
    """The certificate as PEM, followed by its unencrypted private key when given."""
    data = cert.public_bytes(serialization.Encoding.PEM)
    if key is not None:
        data += key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    return data


def new_key() -> Key:
    """A fresh P-256 key."""
    return ec.generate_private_key(ec.SECP256R1())


@dataclass(frozen=True)
class ServerFiles:
    """A server certificate for 127.0.0.1 with its key (`server`), and the CA that signed it (`ca`)."""

    ca: Path
    server: Path


def server_files(folder: Path, *, ca_name: str = "Test CA") -> ServerFiles:
    """Write a fresh CA and a 127.0.0.1 server certificate it signed into `folder`."""
    ca_key, server_key = new_key(), new_key()
    ca = make_cert(ca_name, ca_key, None, ca=True)
    server = make_cert("127.0.0.1", server_key, (ca.subject, ca_key))
    files = ServerFiles(folder / f"{ca_name.replace(' ', '-')}.pem", folder / f"{ca_name.replace(' ', '-')}-server.pem")
    files.ca.write_bytes(pem(ca))
    files.server.write_bytes(pem(server, server_key))
    return files
