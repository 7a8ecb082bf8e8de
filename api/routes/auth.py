"""Logging in: email and password for a bearer token with an expiry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from amhp.store import login_limits
from amhp.store.users import issue_token, revoke_token
from api.deps import SessionDep, UserDep, bearer
from api.schemas import LoginRequest, TokenOut, UserOut

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=TokenOut, responses={401: {}, 429: {}})
def login(body: LoginRequest, request: Request, session: SessionDep) -> TokenOut:
    client = request.client.host if request.client else None
    try:
        user = login_limits.login(session, body.email, body.password, client)
    except login_limits.LoginLocked as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from None
    if user is None:
        raise HTTPException(401, "email or password not recognised")
    token, expires = issue_token(session, user)
    return TokenOut(access_token=token, expires_at=expires)


@router.get("/me", response_model=UserOut, responses={401: {}})
def me(user: UserDep) -> UserOut:
    return UserOut(
        email=user.email, role=user.role, service_id=user.service_id, person_id=user.person_id
    )


@router.post("/logout", status_code=204, responses={401: {}})
def logout(
    session: SessionDep,
    _user: UserDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Response:
    """This token stops working at once."""
    revoke_token(session, credentials.credentials)
    return Response(status_code=204)
