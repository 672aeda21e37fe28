"""The action server: rasa-sdk's own, bound where settings say and answering only Rasa.

`python -m rasa_sdk` listens on every interface and runs any action for any
caller, so a forged tracker could submit a lead no diver gave. This entry
point starts the same server on DOVVY_BIND_HOST (loopback unless a
deployment opens it) and, when ACTION_SERVER_TOKEN is set, refuses every
call without that token. Rasa sends it as the `token` query parameter
(`action_endpoint.token` in endpoints.yml). `/health` stays open for probes,
and so does `/ready`, which the chat channels ask before they open: 200 once
the knowledge base is in the database, 503 before.
"""

from __future__ import annotations

import argparse
import hmac
import logging
from functools import partial

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader

from dovvybuddy.answering.answerer import default_answerer
from dovvybuddy.common.settings import load_settings
from dovvybuddy.monitoring.metrics import exposition

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health", "/ready", "/metrics"})


async def _metrics(_: Request) -> HTTPResponse:
    """Prometheus metrics (the action server is not public: no token needed)."""
    body, content_type = exposition()
    return response.raw(body, content_type=content_type)


async def _ready(_: Request) -> HTTPResponse:
    """Whether answers can be given: the database is reachable and ingested."""
    try:
        chunks = await default_answerer().store.searchable_chunks()
    except Exception as error:  # not reachable, not migrated, not configured
        logger.info("not ready: %s", type(error).__name__)
        return response.json({"ready": False, "waiting_for": "database"}, 503)
    if not chunks:
        return response.json({"ready": False, "waiting_for": "knowledge"}, 503)
    return response.json({"ready": True, "knowledge_chunks": chunks})


async def _require_token(token: str, request: Request) -> HTTPResponse | None:
    if request.path in OPEN_PATHS:
        return None
    given = request.args.get("token") or ""
    if hmac.compare_digest(given.encode(), token.encode()):
        return None
    return response.json({"error": "unauthorized", "detail": "Only Rasa may call actions."}, 401)


def create_guarded_app(action_executor: ActionExecutor, token: str | None) -> Sanic:
    """rasa-sdk's app with the token check in front (module level: Sanic pickles it)."""
    # No tracing is configured: an empty endpoints path stops rasa-sdk from
    # reading endpoints.yml (Rasa's file) for one.
    app = create_app_for_serve(action_executor, cors_origins=None, endpoints="")
    app.add_route(_ready, "/ready", methods=["GET"])
    app.add_route(_metrics, "/metrics", methods=["GET"])
    if token:
        app.register_middleware(partial(_require_token, token), "request")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, help="default: ACTION_PORT")
    parser.add_argument("--logging-config-file", help="a logging YAML file, like logging.yml")
    args = parser.parse_args()
    settings = load_settings()

    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), None, "INFO", args.logging_config_file
    )
    executor = ActionExecutor()
    executor.register_package("actions")
    if not settings.action_server_token:
        logger.warning(
            "ACTION_SERVER_TOKEN is not set: any caller that reaches the port may run actions"
        )

    loader = AppLoader(factory=partial(create_guarded_app, executor, settings.action_server_token))
    app = loader.load()
    port = args.port or settings.action_port
    app.prepare(host=settings.bind_host, port=port, workers=1)
    logger.info("action server listening on %s:%s", settings.bind_host, port)
    Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
