"""The identity API end to end: a real Postgres, real keys, the real app in-process."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import text

from catalog_testing import eventually
from identity_service.entrypoints.api import housekeeping

pytestmark = pytest.mark.component


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict, claims: dict, signature: bytes = b"") -> str:
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(claims).encode())
    return f"{head}.{body}.{b64(signature)}"


async def login(client, username: str, password: str):
    return await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )


async def token_for(client, username: str, password: str) -> str:
    response = await login(client, username, password)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestLogin:
    async def test_admin_gets_a_bearer_token_for_one_hour(self, client):
        response = await login(client, "admin", "admin")
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
        assert response.headers["cache-control"] == "no-store"

    async def test_token_verifies_against_the_published_jwks(self, client):
        token = await token_for(client, "admin", "admin")
        jwks = (await client.get("/api/v1/auth/jwks")).json()
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        assert header["alg"] == "RS256"
        key_set = KeySet.import_key_set(jwks)
        decoded = jwt.decode(token, key_set, algorithms=["RS256"])
        claims = decoded.claims
        assert claims["username"] == "admin" and claims["role"] == "ADMIN"
        assert claims["iss"] == "catalog-identity" and claims["aud"] == "catalog-api"
        assert claims["exp"] - claims["iat"] == 3600 and claims["jti"]
        assert header["kid"] == jwks["keys"][0]["kid"] == key_set.keys[0].thumbprint()

    async def test_public_key_matches_the_signing_key(self, client):
        body = (await client.get("/api/v1/auth/public-key")).json()
        key = RSAKey.import_key(body["publicKey"])
        assert body["alg"] == "RS256" and body["kid"] == key.thumbprint()

    async def test_oauth2_password_form_works_for_the_authorize_button(self, client):
        response = await client.post(
            "/api/v1/auth/token", data={"username": "user", "password": "user"}
        )
        assert response.status_code == 200
        assert response.json()["access_token"]

    async def test_wrong_password_and_unknown_user_get_the_same_401_problem(self, client):
        wrong = await login(client, "user", "not-the-password")
        unknown = await login(client, "nobody-here", "whatever")
        for response in (wrong, unknown):
            assert response.status_code == 401
            assert response.headers["content-type"].startswith("application/problem+json")
        assert wrong.json()["detail"] == unknown.json()["detail"]
        assert wrong.json()["title"] == unknown.json()["title"]

    async def test_missing_password_is_a_400_naming_the_field(self, client):
        response = await client.post("/api/v1/auth/login", json={"username": "admin"})
        assert response.status_code == 400
        assert {"field": "password"}.items() <= response.json()["errors"][0].items()

    async def test_repeated_failures_from_one_client_are_throttled(self, client):
        for _ in range(3):
            assert (await login(client, "throttled-user", "bad")).status_code == 401
        response = await login(client, "throttled-user", "bad")
        assert response.status_code == 429
        assert response.headers["retry-after"] == "1"
        assert response.json()["status"] == 429

    @pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/token"])
    async def test_an_over_long_username_is_a_400_naming_the_field(self, client, path):
        credentials = {"username": "x" * 5000, "password": "whatever"}
        if path.endswith("login"):
            response = await client.post(path, json=credentials)
        else:
            response = await client.post(path, data=credentials)
        assert response.status_code == 400, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["username"]

    async def test_health_answers_at_once_while_twenty_logins_hash_passwords(self, client):
        async def log_in() -> int:
            return (await login(client, "admin", "admin")).status_code

        logins = asyncio.gather(*(log_in() for _ in range(20)))
        started = asyncio.get_running_loop().time()
        health_times = []
        while not logins.done():
            asked = asyncio.get_running_loop().time()
            assert (await client.get("/health")).status_code == 200
            health_times.append(asyncio.get_running_loop().time() - asked)
            await asyncio.sleep(0.05)
        took = asyncio.get_running_loop().time() - started

        assert await logins == [200] * 20
        # bcrypt (≈ 0.1-0.6 s per login) runs in threads: the loop keeps answering.
        assert took > 1.0 and len(health_times) >= 5
        assert max(health_times) < 0.5, health_times


class TestRoles:
    async def test_admin_lists_users_with_paging(self, client):
        token = await token_for(client, "admin", "admin")
        response = await client.get("/api/v1/auth/users?limit=1&offset=0", headers=bearer(token))
        assert response.status_code == 200
        body = response.json()
        assert body["limit"] == 1 and body["offset"] == 0 and body["total"] >= 2
        assert len(body["items"]) == 1
        assert response.headers["x-total-count"] == str(body["total"])
        assert set(body["items"][0]) >= {"id", "username", "role", "createdAt", "version"}
        assert "passwordHash" not in body["items"][0]

    async def test_user_may_not_list_users(self, client):
        token = await token_for(client, "user", "user")
        response = await client.get("/api/v1/auth/users", headers=bearer(token))
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("application/problem+json")

    async def test_anonymous_may_not_list_users(self, client):
        response = await client.get("/api/v1/auth/users")
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_me_returns_the_caller(self, client):
        token = await token_for(client, "user", "user")
        response = await client.get("/api/v1/auth/me", headers=bearer(token))
        assert response.status_code == 200
        assert response.json()["username"] == "user" and response.json()["role"] == "USER"

    async def test_bad_paging_is_a_400(self, client):
        token = await token_for(client, "admin", "admin")
        response = await client.get("/api/v1/auth/users?limit=0", headers=bearer(token))
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "limit"


class TestUserAdministration:
    async def test_admin_creates_a_user_who_can_log_in(self, client):
        token = await token_for(client, "admin", "admin")
        response = await client.post(
            "/api/v1/auth/users",
            json={"username": "Carol", "password": "a-long-secret-9", "role": "USER"},
            headers=bearer(token),
        )
        assert response.status_code == 201
        assert response.headers["location"] == f"/api/v1/auth/users/{response.json()['id']}"
        assert response.headers["etag"] == '"1"'
        assert response.json()["username"] == "carol"
        assert (await login(client, "carol", "a-long-secret-9")).status_code == 200

    async def test_weak_password_is_a_400_naming_the_field(self, client):
        token = await token_for(client, "admin", "admin")
        response = await client.post(
            "/api/v1/auth/users",
            json={"username": "dave", "password": "short"},
            headers=bearer(token),
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "password"

    async def test_taken_username_is_a_409(self, client):
        token = await token_for(client, "admin", "admin")
        response = await client.post(
            "/api/v1/auth/users",
            json={"username": "ADMIN", "password": "a-long-secret-9"},
            headers=bearer(token),
        )
        assert response.status_code == 409


class TestForgedTokens:
    @pytest.fixture
    async def genuine(self, client):
        token = await token_for(client, "admin", "admin")
        head, body, _ = token.split(".")
        header = json.loads(base64.urlsafe_b64decode(head + "=="))
        claims = json.loads(base64.urlsafe_b64decode(body + "=="))
        return token, header, claims

    async def refused(self, client, token: str) -> None:
        response = await client.get("/api/v1/auth/me", headers=bearer(token))
        assert response.status_code == 401, response.text
        assert response.headers["content-type"].startswith("application/problem+json")

    async def test_alg_none_is_refused(self, client, genuine):
        _, header, claims = genuine
        await self.refused(client, forge({**header, "alg": "none"}, claims))

    async def test_hs256_signed_with_the_public_key_is_refused(self, client, genuine):
        _, header, claims = genuine
        pem = (await client.get("/api/v1/auth/public-key")).json()["publicKey"].encode()
        unsigned = forge({**header, "alg": "HS256"}, claims).rsplit(".", 1)[0]
        signature = hmac.new(pem, unsigned.encode(), hashlib.sha256).digest()
        await self.refused(client, f"{unsigned}.{b64(signature)}")

    async def test_tampered_payload_is_refused(self, client, genuine):
        token, _, claims = genuine
        head, _, signature = token.split(".")
        promoted = b64(json.dumps({**claims, "role": "ADMIN", "username": "mallory"}).encode())
        await self.refused(client, f"{head}.{promoted}.{signature}")

    async def test_garbage_is_refused(self, client):
        await self.refused(client, "not.a.token")
        await self.refused(client, "garbage")

    async def test_expired_token_is_refused(self, client, signing_key):
        now = int(time.time())
        claims = {
            "sub": "x",
            "username": "admin",
            "role": "ADMIN",
            "iss": "catalog-identity",
            "aud": "catalog-api",
            "iat": now - 7200,
            "exp": now - 3600,
        }
        await self.refused(client, signing_key(claims))

    @pytest.mark.parametrize(("claim", "value"), [("iss", "someone-else"), ("aud", "other-api")])
    async def test_wrong_issuer_or_audience_is_refused(self, client, signing_key, claim, value):
        now = int(time.time())
        claims = {
            "sub": "x",
            "username": "admin",
            "role": "ADMIN",
            "iss": "catalog-identity",
            "aud": "catalog-api",
            "iat": now,
            "exp": now + 600,
            claim: value,
        }
        await self.refused(client, signing_key(claims))

    async def test_a_token_signed_by_the_real_key_with_valid_claims_is_accepted(
        self, client, signing_key, genuine
    ):
        """Guards the two tests above: they must fail for the claim, not the signature."""
        _, _, claims = genuine
        response = await client.get("/api/v1/auth/me", headers=bearer(signing_key(claims)))
        assert response.status_code == 200


class TestIdempotency:
    async def test_creating_a_user_with_an_idempotency_key_replays_the_first_response(self, client):
        token = await token_for(client, "admin", "admin")
        headers = {**bearer(token), "Idempotency-Key": "create-erin-once"}
        body = {"username": "erin", "password": "a-long-secret-9"}
        first = await client.post("/api/v1/auth/users", json=body, headers=headers)
        second = await client.post("/api/v1/auth/users", json=body, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers["idempotent-replayed"] == "true"

    async def test_token_responses_are_never_stored_for_replay(self, client, app):
        headers = {"Idempotency-Key": "login-once"}
        credentials = {"username": "user", "password": "user"}
        first = await client.post("/api/v1/auth/login", json=credentials, headers=headers)
        second = await client.post("/api/v1/auth/login", json=credentials, headers=headers)
        assert first.status_code == second.status_code == 200
        assert first.json()["access_token"] != second.json()["access_token"]
        assert "idempotent-replayed" not in second.headers
        async with app.state.container.engine.connect() as connection:
            stored = await connection.execute(
                text("SELECT count(*) FROM idempotency_keys WHERE key = 'login-once'")
            )
            assert stored.scalar_one() == 0


class TestHousekeeping:
    async def test_old_login_failures_are_purged_on_a_schedule(self, app):
        container = app.state.container
        long_ago = datetime.now(UTC) - timedelta(days=1)
        async with container.identity.uow_factory() as uow:
            await uow.login_failures.record("forgotten", "10.9.9.9", long_ago, timedelta(1))
            await uow.commit()

        async def counted() -> int:
            async with container.identity.uow_factory() as uow:
                client, _ = await uow.login_failures.get("forgotten", "10.9.9.9")
            return client.count

        assert await counted() == 1
        task = asyncio.create_task(housekeeping(container, interval=3600))
        try:
            await eventually(lambda: _zero(counted), within=10)
        finally:
            task.cancel()


async def _zero(count) -> bool:
    return await count() == 0
