"""The identity API: login, token, keys, the current user and user administration."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from catalog_chassis.auth import AdminUser, CurrentUser
from catalog_chassis.concurrency import set_etag
from catalog_chassis.pagination import Page, PageQuery, set_total_count
from identity_service.application.ports import PublishedKeys
from identity_service.application.use_cases import IdentityService, IssuedToken
from identity_service.entrypoints.schemas import (
    LoginRequest,
    PublicKeyResponse,
    TokenResponse,
    UserCreate,
    UserPublic,
    check_login_lengths,
)

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


async def identity_service(request: Request) -> IdentityService:
    service: IdentityService = request.app.state.container.identity
    return service


async def published_keys(request: Request) -> PublishedKeys:
    keys: PublishedKeys = request.app.state.container.keys
    return keys


Identity = Annotated[IdentityService, Depends(identity_service)]
Keys = Annotated[PublishedKeys, Depends(published_keys)]

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _token_response(token: IssuedToken, response: Response) -> TokenResponse:
    response.headers.update(NO_STORE)
    return TokenResponse(access_token=token.access_token, expires_in=token.expires_in)


async def client_address(request: Request) -> str:
    """The caller's address: the edge replaces X-Forwarded-For with the address it sees, and
    uvicorn takes it from there only when the request comes from a trusted proxy
    (FORWARDED_ALLOW_IPS); a client's own X-Forwarded-For never reaches this."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]


@router.post("/login", response_model=TokenResponse)
async def login(
    body: LoginRequest, identity: Identity, response: Response, client: ClientAddress
) -> TokenResponse:
    token = await identity.log_in(body.username, body.password, client=client)
    return _token_response(token, response)


@router.post("/token", response_model=TokenResponse)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    identity: Identity,
    response: Response,
    client: ClientAddress,
) -> TokenResponse:
    """The OAuth2 password grant, so the OpenAPI "Authorize" button works."""
    check_login_lengths(form.username, form.password)
    token = await identity.log_in(form.username, form.password, client=client)
    return _token_response(token, response)


@router.get("/jwks")
async def jwks(keys: Keys, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "public, max-age=300"
    return keys.jwks()


@router.get("/public-key", response_model=PublicKeyResponse)
async def public_key(keys: Keys) -> PublicKeyResponse:
    return PublicKeyResponse(kid=keys.kid, alg=keys.algorithm, public_key=keys.public_key_pem())


@router.get("/me", response_model=UserPublic)
async def me(user: CurrentUser, identity: Identity, response: Response) -> UserPublic:
    found = await identity.get_user(user.id)
    set_etag(response, found.version)
    return UserPublic.model_validate(found)


@router.get("/users", response_model=Page[UserPublic])
async def list_users(
    _: AdminUser, identity: Identity, page: PageQuery, response: Response
) -> Page[UserPublic]:
    users, total = await identity.list_users(limit=page.limit, offset=page.offset)
    set_total_count(response, total)
    return Page.of([UserPublic.model_validate(u) for u in users], total, page)


@router.post("/users", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
async def create_user(
    body: UserCreate, _: AdminUser, identity: Identity, response: Response
) -> UserPublic:
    user = await identity.create_user(body.username, body.password, body.role)
    response.headers["Location"] = f"{router.prefix}/users/{user.id}"
    set_etag(response, user.version)
    return UserPublic.model_validate(user)


@router.get("/users/{user_id}", response_model=UserPublic)
async def get_user(
    user_id: str, _: AdminUser, identity: Identity, response: Response
) -> UserPublic:
    user = await identity.get_user(user_id)
    set_etag(response, user.version)
    return UserPublic.model_validate(user)
