import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Depends
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from catalog_chassis.app import create_app
from catalog_chassis.auth import (
    AdminUser,
    AuthenticatedUser,
    CurrentUser,
    TokenVerifier,
    jwks_from_url,
    require_role,
)
from catalog_chassis.errors import ServiceUnavailable, Unauthorized
from catalog_chassis.settings import ServiceSettings

ISSUER = "catalog-identity"
AUDIENCE = "catalog-api"
JWKS_URL = "http://identity.test/api/v1/auth/jwks"


def rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})


SIGNING_KEY = rsa_key("key-1")
ROTATED_KEY = rsa_key("key-2")
FOREIGN_KEY = rsa_key("key-1")  # same kid as the real key, different key material


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "0b8e7f8e-3f0c-4f4e-9d7e-111111111111",
        "username": "admin",
        "role": "ADMIN",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 3600,
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def sign(key: RSAKey, **claim_overrides: Any) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims(**claim_overrides), key)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value).encode())


class JwksServer:
    """The identity service's JWKS endpoint, counting how often it is asked."""

    def __init__(self, *keys: RSAKey) -> None:
        self.keys = list(keys)
        self.requests = 0
        self.failing = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == JWKS_URL
        self.requests += 1
        if self.failing:
            return httpx.Response(503)
        return httpx.Response(200, json=KeySet(self.keys).as_dict(private=False))

    def verifier(self, clock: Any = time.monotonic) -> TokenVerifier:
        return TokenVerifier.from_jwks_url(
            JWKS_URL,
            issuer=ISSUER,
            audience=AUDIENCE,
            transport=httpx.MockTransport(self.handle),
            clock=clock,
        )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def jwks() -> JwksServer:
    return JwksServer(SIGNING_KEY)


async def test_accepts_a_genuine_token(jwks: JwksServer) -> None:
    user = await jwks.verifier().verify(sign(SIGNING_KEY))

    assert user == AuthenticatedUser(
        id="0b8e7f8e-3f0c-4f4e-9d7e-111111111111", username="admin", role="ADMIN"
    )


async def test_caches_the_key_set(jwks: JwksServer) -> None:
    verifier = jwks.verifier()

    for _ in range(3):
        await verifier.verify(sign(SIGNING_KEY))

    assert jwks.requests == 1


class CountingDecode:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import catalog_chassis.auth as auth

        self.calls = 0
        original = auth.jwt.decode

        def decode(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(auth.jwt, "decode", decode)


async def test_a_token_is_verified_once_until_it_expires(
    jwks: JwksServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    decodes = CountingDecode(monkeypatch)
    wall = FakeClock()
    wall.now = time.time()
    verifier = TokenVerifier.from_jwks_url(
        JWKS_URL, issuer=ISSUER, audience=AUDIENCE, transport=httpx.MockTransport(jwks.handle)
    )
    verifier._wall_clock = wall
    token = sign(SIGNING_KEY, exp=int(wall.now) + 600)

    users = [await verifier.verify(token) for _ in range(3)]
    wall.now += 600 + 31  # past exp and the leeway: verified again
    again = await verifier.verify(token)

    assert users == [users[0]] * 3 and again == users[0]
    assert decodes.calls == 2


async def test_the_verified_tokens_kept_are_bounded(
    jwks: JwksServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    decodes = CountingDecode(monkeypatch)
    verifier = TokenVerifier(
        key_source=jwks_from_url(JWKS_URL, transport=httpx.MockTransport(jwks.handle)),
        issuer=ISSUER,
        audience=AUDIENCE,
        verified_cache_size=2,
    )
    tokens = [sign(SIGNING_KEY, sub=f"user-{index}") for index in range(3)]

    for token in tokens:
        await verifier.verify(token)
    await verifier.verify(tokens[2])  # kept
    await verifier.verify(tokens[0])  # dropped as the least recently used: verified again

    assert decodes.calls == 4


async def test_a_rejected_token_is_never_cached(jwks: JwksServer) -> None:
    verifier = jwks.verifier()
    forged = sign(FOREIGN_KEY)

    for _ in range(2):
        with pytest.raises(Unauthorized):
            await verifier.verify(forged)


async def test_tolerates_small_clock_skew_on_expiry(jwks: JwksServer) -> None:
    token = sign(SIGNING_KEY, exp=int(time.time()) - 5)

    assert (await jwks.verifier().verify(token)).username == "admin"


def alg_none_token() -> str:
    header = segment({"alg": "none", "kid": "key-1", "typ": "JWT"})
    return f"{header}.{segment(claims())}."


def hs256_with_public_key_token() -> str:
    """The classic confusion attack: HMAC-sign with the (public) RSA key as the secret."""
    public_pem = SIGNING_KEY.as_pem(private=False)
    signing_input = f"{segment({'alg': 'HS256', 'kid': 'key-1', 'typ': 'JWT'})}.{segment(claims())}"
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def tampered_token() -> str:
    header, _, signature = sign(SIGNING_KEY, role="USER").split(".")
    return f"{header}.{segment(claims(role='ADMIN'))}.{signature}"


REJECTED_TOKENS = {
    "alg none": alg_none_token,
    "HS256 signed with the public key": hs256_with_public_key_token,
    "tampered payload": tampered_token,
    "signed by a foreign key with a known kid": lambda: sign(FOREIGN_KEY),
    "wrong issuer": lambda: sign(SIGNING_KEY, iss="someone-else"),
    "wrong audience": lambda: sign(SIGNING_KEY, aud="another-api"),
    "expired": lambda: sign(SIGNING_KEY, exp=int(time.time()) - 120),
    "no expiry": lambda: sign(SIGNING_KEY, exp=None),
    "no subject": lambda: sign(SIGNING_KEY, sub=None),
    "no role": lambda: sign(SIGNING_KEY, role=None),
    "no issuer": lambda: sign(SIGNING_KEY, iss=None),
    "no audience": lambda: sign(SIGNING_KEY, aud=None),
    "no kid": lambda: jwt.encode({"alg": "RS256"}, claims(), SIGNING_KEY),
    "garbage": lambda: "not-a-token",
    "three garbage segments": lambda: "abc.def.ghi",
    "non-ascii": lambda: "é.é.é",
    "empty": lambda: "",
}


@pytest.mark.parametrize("make_token", REJECTED_TOKENS.values(), ids=REJECTED_TOKENS.keys())
async def test_rejects_forged_or_invalid_tokens(jwks: JwksServer, make_token: Any) -> None:
    with pytest.raises(Unauthorized):
        await jwks.verifier().verify(make_token())


async def test_refreshes_the_key_set_once_for_a_rotated_key(jwks: JwksServer) -> None:
    clock = FakeClock()
    verifier = jwks.verifier(clock)
    await verifier.verify(sign(SIGNING_KEY))

    jwks.keys = [SIGNING_KEY, ROTATED_KEY]
    clock.now += 60
    user = await verifier.verify(sign(ROTATED_KEY))

    assert user.role == "ADMIN"
    assert jwks.requests == 2


async def test_unknown_kids_cannot_hammer_the_identity_service(jwks: JwksServer) -> None:
    clock = FakeClock()
    verifier = jwks.verifier(clock)
    await verifier.verify(sign(SIGNING_KEY))

    for attempt in range(20):
        forged = jwt.encode({"alg": "RS256", "kid": f"forged-{attempt}"}, claims(), FOREIGN_KEY)
        with pytest.raises(Unauthorized):
            await verifier.verify(forged)
        clock.now += 1

    # one initial fetch, then at most one refresh per 30 s window
    assert jwks.requests == 1


async def test_refresh_failure_keeps_the_cached_keys(jwks: JwksServer) -> None:
    clock = FakeClock()
    verifier = jwks.verifier(clock)
    await verifier.verify(sign(SIGNING_KEY))
    jwks.failing = True
    clock.now += 60

    with pytest.raises(Unauthorized):
        await verifier.verify(sign(ROTATED_KEY))
    assert (await verifier.verify(sign(SIGNING_KEY))).username == "admin"


async def test_unreachable_key_set_is_service_unavailable(jwks: JwksServer) -> None:
    jwks.failing = True

    with pytest.raises(ServiceUnavailable):
        await jwks.verifier().verify(sign(SIGNING_KEY))


async def test_verifies_with_keys_from_a_local_key_source() -> None:
    async def own_keys() -> dict[str, Any]:
        return dict(KeySet([SIGNING_KEY]).as_dict(private=False))

    verifier = TokenVerifier(key_source=own_keys, issuer=ISSUER, audience=AUDIENCE)

    assert (await verifier.verify(sign(SIGNING_KEY))).role == "ADMIN"


router = APIRouter(prefix="/things", tags=["things"])


@router.get("/mine")
async def read(user: CurrentUser) -> dict[str, str]:
    return {"username": user.username}


@router.delete("/mine")
async def delete(user: AdminUser) -> dict[str, str]:
    return {"deletedBy": user.username}


@router.post("/mine", dependencies=[Depends(require_role("ADMIN", "USER"))])
async def create() -> dict[str, str]:
    return {"created": "yes"}


@pytest.fixture
async def client(jwks: JwksServer) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        ServiceSettings(service_name="auth-test"),
        title="Auth",
        routers=[router],
        token_verifier=jwks.verifier(),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_current_user_requires_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/things/mine")

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_current_user_rejects_an_invalid_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/things/mine", headers=bearer(tampered_token()))

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_current_user_admits_a_valid_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/things/mine", headers=bearer(sign(SIGNING_KEY, role="USER")))

    assert response.status_code == 200
    assert response.json() == {"username": "admin"}


async def test_admin_route_forbids_other_roles(client: httpx.AsyncClient) -> None:
    response = await client.delete("/things/mine", headers=bearer(sign(SIGNING_KEY, role="USER")))

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_admin_route_admits_admins(client: httpx.AsyncClient) -> None:
    response = await client.delete("/things/mine", headers=bearer(sign(SIGNING_KEY)))

    assert response.status_code == 200


async def test_require_role_accepts_any_of_the_listed_roles(client: httpx.AsyncClient) -> None:
    user_token = sign(SIGNING_KEY, role="USER")
    guest_token = sign(SIGNING_KEY, role="GUEST")

    assert (await client.post("/things/mine", headers=bearer(user_token))).status_code == 200
    assert (await client.post("/things/mine", headers=bearer(guest_token))).status_code == 403


def test_create_app_builds_a_verifier_from_the_settings() -> None:
    settings = ServiceSettings(
        service_name="auth-test", jwks_url=JWKS_URL, jwt_issuer="iss-x", jwt_audience="aud-y"
    )

    app = create_app(settings, title="Auth", routers=[])

    verifier = app.state.token_verifier
    assert isinstance(verifier, TokenVerifier)
    options = verifier._claims_registry.options
    assert (options["iss"]["value"], options["aud"]["value"]) == ("iss-x", "aud-y")
