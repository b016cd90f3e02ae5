"""Throwaway TLS for the fake org: a CA and a server certificate made at start with trustme.

The CA certificate is written to a PEM file (``ca_bundle``) that clients pass as ``verify=``; the
directory holding it is removed when the org stops. Nothing is ever added to a system trust store.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import ssl
import tempfile
from collections.abc import Iterable

import attrs


@attrs.define
class TlsMaterial:
    """A server-side SSL context and the path of the CA bundle that verifies it."""

    context: ssl.SSLContext
    ca_bundle: str
    directory: str

    def cleanup(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def make_tls(hosts: Iterable[str]) -> TlsMaterial:
    """Create a CA and a certificate for ``hosts`` (plus localhost and the loopback addresses)."""
    import trustme

    names = ["127.0.0.1", "localhost", "::1"]
    for host in hosts:
        if host and host not in names and not _is_wildcard(host):
            names.append(host)
    ca = trustme.CA(organization_name="salesforcepy fake org")
    cert = ca.issue_cert(*names)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    cert.configure_cert(context)
    directory = tempfile.mkdtemp(prefix="fakeorg-tls-")
    ca_bundle = os.path.join(directory, "ca.pem")
    ca.cert_pem.write_to_path(ca_bundle)
    return TlsMaterial(context, ca_bundle, directory)


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False
