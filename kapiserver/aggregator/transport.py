"""TLS and identity for calls to extension API servers (upstream aggregator transport.Config
and client-go's transport.SetAuthProxyHeaders).

The aggregator verifies an extension server against its APIService's caBundle (or the
system roots; nothing with insecureSkipTLSVerify) under the server name
`<service>.<namespace>.svc`, presents the --proxy-client-cert-file / --proxy-client-key-file
certificate, and passes the user the request was authenticated as in the front-proxy
headers extension servers read: X-Remote-User, X-Remote-Uid, X-Remote-Group and
X-Remote-Extra-<key>. Those names are fixed, as upstream's are; the --requestheader-*
flags say which headers this server itself trusts, and upstream warns when they leave the
standard names out ("API aggregation will not work").
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import aiohttp
from multidict import CIMultiDict

from kapiserver.apimachinery.user import UserInfo

USER_HEADER = "X-Remote-User"
UID_HEADER = "X-Remote-Uid"
GROUP_HEADER = "X-Remote-Group"
EXTRA_HEADER_PREFIX = "X-Remote-Extra-"
_UNRESERVED = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")


@dataclass(frozen=True, slots=True)
class ProxyClientCert:
    """--proxy-client-cert-file and --proxy-client-key-file."""

    cert_file: str
    key_file: str


def ssl_context(ca_bundle: bytes, insecure: bool, client_cert: ProxyClientCert | None) -> ssl.SSLContext:
    """Verification as upstream's transport.TLSConfig (Insecure, CAData, CertData/KeyData); may raise
    ssl.SSLError for a bad bundle, which upstream reports as the transport building error."""
    context = ssl.create_default_context()
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif ca_bundle:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_verify_locations(cadata=ca_bundle.decode(errors="replace"))
    if client_cert is not None:
        context.load_cert_chain(client_cert.cert_file, client_cert.key_file)
    context.set_alpn_protocols(["http/1.1"])
    return context


def new_session(context: ssl.SSLContext) -> aiohttp.ClientSession:
    """A session that passes bodies through untouched (no decompression) and never times out on
    its own: watches stream for as long as the client stays."""
    connector = aiohttp.TCPConnector(ssl=context, limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30)
    return aiohttp.ClientSession(connector=connector, auto_decompress=False, timeout=timeout,
                                 skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"))


def header_key_escape(key: str) -> str:
    """upstream headerKeyEscape: %-encode every byte that is not RFC 3986 unreserved."""
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in key.encode())


def set_auth_proxy_headers(headers: CIMultiDict[str], user: UserInfo, with_uid: bool = True) -> None:
    """upstream SetAuthProxyHeaders: drop any X-Remote-* the client sent, then add the user's."""
    for name in list(headers.keys()):
        lowered = name.lower()
        if lowered in (USER_HEADER.lower(), UID_HEADER.lower(), GROUP_HEADER.lower()) or \
                lowered.startswith(EXTRA_HEADER_PREFIX.lower()):
            headers.popall(name, None)
    headers.add(USER_HEADER, user.name)
    if with_uid and user.uid:
        headers[UID_HEADER] = user.uid
    for group in user.groups:
        headers.add(GROUP_HEADER, group)
    for key, values in user.extra.items():
        for value in values:
            headers.add(EXTRA_HEADER_PREFIX + header_key_escape(key), value)
