"""What every page shares: templates, the login cookie, the caller's account.

Pages authenticate with the same bearer tokens as the API, carried in an
HttpOnly, SameSite=Strict cookie: a cross-site form cannot post with it, and page
scripts never see it. The JSON API itself still takes only the Authorization
header, so the cookie cannot be used against it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from amhp.service.model import ServiceDefinition
from amhp.store import repository
from amhp.store.tables import User
from amhp.store.users import user_for_token
from api.deps import SessionDep, can_read

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


def require_service(user: User, service_id: str, *roles: str) -> None:
    """Another service is not found (its id does not leak); a role without the
    right is forbidden."""
    if not can_read(user, service_id):
        raise HTTPException(404, f"no service {service_id!r}")
    if roles and user.role != "admin" and user.role not in roles:
        raise HTTPException(403, f"a {user.role} may not do this")


def load_definition(session, service_id: str) -> ServiceDefinition:
    try:
        return repository.load_service(session, service_id)
    except repository.NotFound as exc:
        raise HTTPException(404, str(exc)) from None


def render(
    request: Request, name: str, user: User | None, status_code: int = 200, **context
) -> HTMLResponse:
    response = templates.TemplateResponse(
        request, name, {"user": user, **context}, status_code=status_code
    )
    response.headers["Content-Security-Policy"] = CSP
    return response


def home_for(user: User) -> str:
    if user.role == "practitioner":
        return "/app/me"
    if user.service_id is None:
        return "/app/services"
    if user.role == "manager":
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
