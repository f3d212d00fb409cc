"""HTTP endpoints of the accounts context (thin: they call services and selectors).

Mounted at /api/v1/auth/. An integration trades a username and password for a bearer token
once, then sends `Authorization: Bearer sos_…` on every call.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from storeos.accounts import selectors, services
from storeos.api.schemas import ErrorOut

router = Router(tags=["accounts"])


class TokenCreateIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    name: str = Field(max_length=100, description="What the token is for, e.g. 'ERP sync'.")
    days: int | None = Field(
        default=None,
        ge=1,
        le=services.TOKEN_MAX_DAYS,
        description="Lifetime in days; the server's default (90) when omitted.",
    )


class TokenOut(Schema):
    id: int
    name: str
    token: str = Field(description="The secret. Shown this once; store it safely.")
    prefix: str
    expires_at: dt.datetime | None


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class StoreRefOut(Schema):
    id: int
    code: str
    name: str


class RoleOut(Schema):
    role: str
    label: str
    store: StoreRefOut | None = Field(description="Empty for a chain-wide role.")


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_superuser: bool
    roles: list[RoleOut]
    stores: list[StoreRefOut] = Field(description="The active stores this user works in.")


@router.post(
    "/tokens",
    auth=None,
    response={201: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Issue an API token for your own account",
)
def token_create(request: HttpRequest, body: TokenCreateIn):
    user = services.authenticate_user(
        request=request, username=body.username, password=body.password
    )
    token, secret = services.api_token_issue(actor=user, user=user, name=body.name, days=body.days)
    return Status(
        201,
        {
            "id": token.pk,
            "name": token.name,
            "token": secret,
            "prefix": token.prefix,
            "expires_at": token.expires_at,
        },
    )


@router.get("/tokens", response={200: list[TokenInfoOut], 401: ErrorOut}, summary="Your tokens")
def token_list(request: HttpRequest):
    return selectors.api_token_list(user=request.auth)


@router.delete(
    "/tokens/{token_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Revoke a token",
)
def token_revoke(request: HttpRequest, token_id: int):
    token = selectors.api_token_get(user=request.auth, token_id=token_id)
    services.api_token_revoke(actor=request.auth, token=token)
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Who you are and where you work")
def me(request: HttpRequest):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_superuser": user.is_superuser,
        "roles": selectors.user_role_summary(user=user),
        "stores": selectors.user_stores(user=user),
    }
