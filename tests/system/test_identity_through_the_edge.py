"""Identity acceptance through the edge: log in, verify the token with the published JWKS,
RBAC on the user list, and every forged token refused with 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

pytestmark = pytest.mark.system


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict, dict]:
    head, body, _ = token.split(".")
    return (
        json.loads(base64.urlsafe_b64decode(head + "==")),
        json.loads(base64.urlsafe_b64decode(body + "==")),
    )


def unsigned(header: dict, claims: dict) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"


async def test_admin_logs_in_and_the_token_verifies_with_the_jwks(edge, admin):
    token = admin["Authorization"].removeprefix("Bearer ")
    jwks = (await edge.get("/api/v1/auth/jwks")).json()
    claims = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["RS256"]).claims
    assert claims["username"] == "admin" and claims["role"] == "ADMIN"
    assert claims["exp"] - claims["iat"] == 3600


async def test_admin_lists_users_user_is_forbidden_anonymous_unauthorized(edge, admin, user):
    listed = await edge.get("/api/v1/auth/users", headers=admin)
    assert listed.status_code == 200
    assert {"admin", "user"} <= {u["username"] for u in listed.json()["items"]}
    assert (await edge.get("/api/v1/auth/users", headers=user)).status_code == 403
    assert (await edge.get("/api/v1/auth/users")).status_code == 401


async def test_every_forged_token_is_refused(edge, admin):
    token = admin["Authorization"].removeprefix("Bearer ")
    header, claims = parts(token)
    pem = (await edge.get("/api/v1/auth/public-key")).json()["publicKey"].encode()
    hs256 = unsigned({**header, "alg": "HS256"}, claims)
    signature = token.rsplit(".", 1)[1]
    forged = {
        "alg none": unsigned({**header, "alg": "none"}, claims) + ".",
        "HS256 with the public key": f"{hs256}."
        + b64(hmac.new(pem, hs256.encode(), hashlib.sha256).digest()),
        "tampered payload": unsigned(header, {**claims, "role": "ADMIN", "sub": "x"})
        + f".{signature}",
        "expired": unsigned(header, {**claims, "exp": claims["iat"] - 10}) + f".{signature}",
        "wrong issuer": unsigned(header, {**claims, "iss": "evil"}) + f".{signature}",
        "garbage": "garbage",
    }
    for name, candidate in forged.items():
        for path in ("/api/v1/auth/me", "/api/v1/characteristics"):
            response = await edge.get(path, headers={"Authorization": f"Bearer {candidate}"})
            assert response.status_code == 401, (name, path, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
