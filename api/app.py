"""The web service: JSON API, calendar feeds and the pages people use.

Routes are thin over ``amhp``; rota generation and what-ifs run as jobs whose
state is kept in the database (amhp.runs.jobs, amhp.runs.whatif_jobs), in this
process's pool or on the task queue's workers (amhp.runs.queue). Pages are
server-rendered templates with a little JavaScript, all served from here (no CDN)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from amhp.core.settings import concurrent_requests, runs_in_process, settings
from amhp.notify.sender import MailSender
from amhp.publish.feed_answers import FeedAnswers
from amhp.runs.jobs import JobRunner
from amhp.runs.queue import queue_for
from amhp.runs.whatif_jobs import WhatIfRunner
from amhp.store.db import get_engine
from api.admission import AdmissionMiddleware
from api.feeds import router as feeds_router
from api.json_guard import JsonGuardMiddleware
from api.nul_guard import NulGuardMiddleware
from api.pages import common as page_common
from api.pages import routers as page_routers
from api.routes import (
    audit,
    auth,
    collections,
    jobs,
    leave_requests,
    mail,
    rotas,
    services,
    swaps,
    whatifs,
)
from api.security import SecurityMiddleware


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    get_engine()  # the schema brought up to date before the first request
    config = settings()
    # SQLite (or --solve-in-process): solves run here; else on the queue's workers.
    queue = None if runs_in_process(config) else queue_for(config.database_url)
    # Every admitted request can have a thread for each of its steps.
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = max(limiter.total_tokens, concurrent_requests(settings()) + 8)
    app.state.jobs = JobRunner(queue=queue)
    app.state.jobs.recover()
    app.state.whatifs = WhatIfRunner(queue=queue)
    app.state.whatifs.recover()
    app.state.mail = MailSender()
    app.state.mail.start()
    # What is loaded by now (the solver, the models, the routes) lives as long as
    # the process: out of the collector's sight, full collections stay short. Under
    # wrk on the feeds, p99 went from about 165 ms to about 50 ms (RESULTS.md).
    gc.freeze()
    yield
    app.state.jobs.shutdown()
    app.state.whatifs.shutdown()
    app.state.mail.stop()
    if queue is not None:
        queue.close()


def create_app() -> FastAPI:
    app = FastAPI(
        title="AMHP rota optimiser",
        version="0.1.0",
        description="Rotas for Approved Mental Health Professional services: services, "
        "generation jobs, rota versions, exports and calendar feeds.",
        lifespan=lifespan,
        docs_url=None,  # served below from the app's own copy of Swagger UI
        redoc_url=None,
    )
    # Feeds first: calendar clients are most of the traffic, and routes are matched in
    # order (each one tried costs a regular expression).
    app.include_router(feeds_router)
    for module in (auth, services, jobs, rotas, whatifs, audit, swaps, leave_requests, mail):
        app.include_router(module.router)
    for router in collections.routers:
        app.include_router(router)
    app.state.feed_answers = FeedAnswers(settings().feed_recheck_seconds)

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI from this server (pip's swagger-ui-bundle): no CDN, works offline."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title} API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )

    @app.get("/health", tags=["meta"])
    def health() -> dict:
        return {"status": "ok"}

    app.mount("/static", StaticFiles(directory=page_common.HERE / "static"), name="static")
    app.add_exception_handler(page_common.LoginRequired, page_common.login_redirect)
    for router in page_routers:
        app.include_router(router)
    app.add_middleware(JsonGuardMiddleware)  # inside: bodies are already size-bounded
    app.add_middleware(NulGuardMiddleware)
    app.add_middleware(SecurityMiddleware)
    app.add_middleware(AdmissionMiddleware)  # outermost: a refused request costs nothing
    return app
