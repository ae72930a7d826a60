"""Client-certificate users: CN, O groups, the subject UID and the certificate's credential id."""

from __future__ import annotations

import asyncio
import hashlib
import re

import pytest

from kapiserver.authentication import x509
from kapiserver.authentication.interfaces import AuthenticationError, AuthRequest

DER = b"0\x82\x01\x0a not really a certificate, but bytes to hash"


def authenticate(subject: tuple[tuple[tuple[str, str], ...], ...], der: bytes | None = DER):  # type: ignore[no-untyped-def]
    return asyncio.run(x509.X509Authenticator().authenticate(AuthRequest({}, {"subject": subject}, der)))


def test_common_name_organizations_and_credential_id() -> None:
    user = authenticate(((("organizationName", "system:masters"),), (("commonName", "kubernetes-admin"),),
                         (("organizationName", "devs"),)))
    assert user is not None
    assert user.name == "kubernetes-admin" and user.groups == ("system:masters", "devs") and user.uid == ""
    assert user.extra == {"authentication.kubernetes.io/credential-id":
                          ("X509SHA256=" + hashlib.sha256(DER).hexdigest(),)}


def test_credential_id_format() -> None:
    assert x509.credential_id(b"") == ("X509SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def test_no_common_name_is_not_recognised() -> None:
    assert authenticate(((("organizationName", "devs"),),)) is None
    assert asyncio.run(x509.X509Authenticator().authenticate(AuthRequest({}, None, None))) is None


def test_subject_uid_becomes_the_user_uid() -> None:
    user = authenticate(((("commonName", "jane"),), (("userId", "1234"),)))
    assert user is not None and user.uid == "1234"


JANE = (("commonName", "jane"),)


@pytest.mark.parametrize(("subject", "message"), [
    ((JANE, (("userId", "a"),), (("userId", "b"),)), "expected 1 UID, but found multiple: [a b]"),
    ((JANE, (("userId", ""),)), "UID cannot be an empty string"),
])
def test_bad_subject_uid_is_refused(subject: tuple[tuple[tuple[str, str], ...], ...], message: str) -> None:
    with pytest.raises(AuthenticationError, match=re.escape(message)):
        authenticate(subject)
