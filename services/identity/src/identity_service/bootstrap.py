"""The composition root: wires the identity service's real adapters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from catalog_chassis.auth import TokenVerifier
from catalog_chassis.db import create_session_factory, database_engine
from identity_service.application.ports import UnitOfWork
from identity_service.application.use_cases import IdentityService
from identity_service.config import IdentitySettings
from identity_service.domain.throttle import ThrottlePolicy
from identity_service.domain.tokens import TokenPolicy
from identity_service.infrastructure.keys import SigningKeys
from identity_service.infrastructure.passwords import BcryptPasswordHasher
from identity_service.infrastructure.unit_of_work import IdentityUnitOfWork


@dataclass
class Container:
    settings: IdentitySettings
    engine: AsyncEngine
    keys: SigningKeys
    identity: IdentityService
    token_verifier: TokenVerifier


def bootstrap(settings: IdentitySettings | None = None) -> Container:
    settings = settings or IdentitySettings()
    engine = database_engine(settings)
    session_factory = create_session_factory(engine)
    keys = SigningKeys.from_files(settings.jwt_private_key_file, settings.previous_public_key_paths)

    async def own_jwks() -> dict[str, Any]:
        return keys.jwks()

    def uow_factory() -> UnitOfWork:
        return IdentityUnitOfWork(session_factory, service="identity")

    identity = IdentityService(
        uow_factory=uow_factory,
        hasher=BcryptPasswordHasher(),
        signer=keys,
        token_policy=TokenPolicy(issuer=settings.jwt_issuer, audience=settings.jwt_audience),
        throttle_policy=ThrottlePolicy(
            free_failures=settings.login_free_failures,
            window=timedelta(seconds=settings.login_failure_window_seconds),
            username_ceiling=settings.login_username_ceiling,
        ),
    )
    verifier = TokenVerifier(
        key_source=own_jwks, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    return Container(
        settings=settings, engine=engine, keys=keys, identity=identity, token_verifier=verifier
    )
