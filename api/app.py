"""The web service: JSON API, calendar feeds and the pages people use.

Routes are thin over ``amhp``; rota generation and what-ifs run as jobs in
background workers whose state is kept in the database (amhp.runs.jobs,
amhp.runs.whatif_jobs). Pages are server-rendered templates with a little JavaScript,
all served from here (no CDN)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from amhp.runs.jobs import JobRunner
from amhp.runs.whatif_jobs import WhatIfRunner
from amhp.store.db import get_engine
from api.feeds import router as feeds_router
from api.pages import common as page_common
from api.pages import routers as page_routers
from api.routes import audit, auth, collections, jobs, rotas, services, whatifs
from api.security import SecurityMiddleware


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    get_engine()  # create tables before the first request
    app.state.jobs = JobRunner()
    app.state.jobs.recover()
    app.state.whatifs = WhatIfRunner()
    app.state.whatifs.recover()
    yield
    app.state.jobs.shutdown()
    app.state.whatifs.shutdown()


def create_app() -> FastAPI:
    app = FastAPI(
        title="AMHP rota optimiser",
        version="0.1.0",
        description="Rotas for Approved Mental Health Professional services: services, "
        "generation jobs, rota versions, exports and calendar feeds.",
        lifespan=lifespan,
    )
    for module in (auth, services, jobs, rotas, whatifs, audit):
        app.include_router(module.router)
    for router in collections.routers:
        app.include_router(router)
    app.include_router(feeds_router)

    @app.get("/health", tags=["meta"])
    def health() -> dict:
        return {"status": "ok"}

    app.mount("/static", StaticFiles(directory=page_common.HERE / "static"), name="static")
    app.add_exception_handler(page_common.LoginRequired, page_common.login_redirect)
    for router in page_routers:
        app.include_router(router)
    app.add_middleware(SecurityMiddleware)
    return app
