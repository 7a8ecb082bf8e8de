"""The web service: JSON API, calendar feeds and a small home page.

Routes are thin over ``amhp``; rota generation runs as jobs in a bounded worker
pool whose state is kept in the database (see amhp.jobs)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from amhp.db import get_engine, transaction
from amhp.jobs import JobRunner
from amhp.repository import list_services
from api.feeds import router as feeds_router
from api.routes import auth, collections, jobs, rotas, services


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    get_engine()  # create tables before the first request
    app.state.jobs = JobRunner()
    app.state.jobs.recover()
    yield
    app.state.jobs.shutdown()


def create_app() -> FastAPI:
    app = FastAPI(
        title="AMHP rota optimiser",
        version="0.1.0",
        description="Rotas for Approved Mental Health Professional services: services, "
        "generation jobs, rota versions, exports and calendar feeds.",
        lifespan=lifespan,
    )
    for module in (auth, services, jobs, rotas):
        app.include_router(module.router)
    for router in collections.routers:
        app.include_router(router)
    app.include_router(feeds_router)

    @app.get("/health", tags=["meta"])
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> str:
        with transaction() as session:
            names = [(s.name, s.id) for s in list_services(session)]
        items = "".join(f"<li>{escape(n)} (<code>{escape(i)}</code>)</li>" for n, i in names)
        return (
            "<!doctype html><html lang=en><meta charset=utf-8><title>AMHP rota</title>"
            f"<h1>AMHP rota optimiser</h1><p>Services:</p><ul>{items}</ul></html>"
        )

    return app
