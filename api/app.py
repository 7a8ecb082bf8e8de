"""The web service. For now: health and read-only views of services and rotas;
the full API (jobs, access control, feeds) builds on this app factory."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse

from amhp import operations
from amhp.db import get_engine, transaction
from amhp.repository import NotFound, list_services
from api.feeds import router as feeds_router


def create_app() -> FastAPI:
    app = FastAPI(
        title="AMHP rota optimiser",
        version="0.1.0",
        description="Rotas for Approved Mental Health Professional services.",
    )
    get_engine()  # create tables at start-up, not on the first request
    app.include_router(feeds_router)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        with transaction() as session:
            services = list_services(session)
        items = "".join(f"<li>{s.name} (<code>{s.id}</code>)</li>" for s in services)
        return (
            "<!doctype html><html lang=en><meta charset=utf-8><title>AMHP rota</title>"
            f"<h1>AMHP rota optimiser</h1><p>Services:</p><ul>{items}</ul></html>"
        )

    @app.get("/services/{service_id}/rotas/latest")
    def latest(service_id: str, month: str | None = None) -> dict:
        try:
            rota = operations.latest_rota(service_id, month)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        return {"id": rota.id, "state": rota.state, "month": rota.month, "rota": rota.export}

    return app
