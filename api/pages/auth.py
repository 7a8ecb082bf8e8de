"""Logging in and out of the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from amhp.store import login_limits
from amhp.store.users import issue_token, revoke_token, user_for_token
from api.deps import SessionDep
from api.pages.common import COOKIE, home_for, render

router = APIRouter(include_in_schema=False)


def _safe_next(next_url: str | None) -> str | None:
    """Only a path on this site: never an open redirect."""
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return next_url
    return None


@router.get("/", response_class=RedirectResponse)
def home(request: Request, session: SessionDep) -> RedirectResponse:
    token = request.cookies.get(COOKIE)
    user = user_for_token(session, token) if token else None
    return RedirectResponse(home_for(user) if user else "/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", None, next=_safe_next(next) or "", error=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
):
    client = request.client.host if request.client else None
    status, error = 401, "Email or password not recognised."
    try:
        user = login_limits.login(session, email, password, client)
    except login_limits.LoginLocked as exc:
        user, status, error = None, 429, f"Too many failed logins: {exc}."
    if user is None:
        return render(
            request,
            "login.html",
            None,
            status_code=status,
            next=_safe_next(next) or "",
            email=email,
            error=error,
        )
    token, expires = issue_token(session, user)
    response = RedirectResponse(_safe_next(next) or home_for(user), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        expires=expires,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    token = request.cookies.get(COOKIE)
    if token:
        revoke_token(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response
