"""What every page shares: templates, the login cookie, the caller's account.

Pages authenticate with the same bearer tokens as the API, carried in an
HttpOnly, SameSite=Strict cookie: a cross-site form cannot post with it, and page
scripts never see it. The JSON API itself still takes only the Authorization
header, so the cookie cannot be used against it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from amhp.core.settings import settings
from amhp.store.tables import User
from amhp.store.users import user_for_token
from api.deps import MANAGER, PRACTITIONER, SessionDep

COOKIE = "amhp_session"
HERE = Path(__file__).resolve().parents[1]
templates = Jinja2Templates(directory=HERE / "templates")
# Everything from this server: no CDN can be reached, and none is needed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
)


class LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def login_redirect(_request: Request, exc: LoginRequired) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(exc.next_url, safe='/')}", status_code=303)


def page_user(request: Request, session: SessionDep) -> User:
    token = request.cookies.get(COOKIE)
    user = user_for_token(session, token) if token else None
    if user is None:
        raise LoginRequired(request.url.path)
    return user


PageUser = Annotated[User, Depends(page_user)]


def render(
    request: Request, name: str, user: User | None, status_code: int = 200, **context
) -> HTMLResponse:
    response = templates.TemplateResponse(
        request, name, {"user": user, **context}, status_code=status_code
    )
    response.headers["Content-Security-Policy"] = CSP
    return response


def home_for(user: User) -> str:
    if user.role == PRACTITIONER:
        return "/app/me"
    if user.service_id is None:
        return "/app/services"
    if user.role == MANAGER:
        return f"/app/services/{user.service_id}/whatif"
    return f"/app/services/{user.service_id}"


def field_errors(problems: list[tuple[tuple, str, str]]) -> dict[str, str]:
    """Service-edit problems keyed by the form field they belong to (the last
    name in their location), so each message sits beside its input."""
    out: dict[str, str] = {}
    for loc, path, msg in problems:
        names = [p for p in loc if isinstance(p, str)]
        out.setdefault(names[-1] if names else "", f"{path}: {msg}" if not names else msg)
    return out


def public_base(request: Request) -> str:
    """Links handed out must work from outside: AMHP_PUBLIC_URL when the server
    sits behind a proxy, else the address this request came to."""
    return settings().public_url or str(request.base_url)
