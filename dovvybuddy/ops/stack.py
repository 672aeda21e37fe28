"""Run the whole DovvyBuddy stack: database, model, action server and Rasa.

`make run` calls `python -m dovvybuddy.ops.stack run`. The steps, in order:

1. PostgreSQL: the embedded pgserver under var/postgres, unless DATABASE_URL
   points at another server; then the migrations in migrations/.
2. The Rasa model: trained only when config, domain or data changed.
3. The Rasa server (Python 3.10) starts loading the model; meanwhile
   knowledge/ is ingested (only what changed) and the action server
   (rasa-sdk, Python 3.11), the lead delivery worker and the web widget's
   server start. Each process runs in its own process group with its log in
   var/logs/.

A child that exits is restarted (with a back-off if it keeps dying young).
Ctrl-C (or SIGTERM) stops Rasa, then the other processes, then the database.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import subprocess
import sys
import time
import urllib.request
from typing import NoReturn

from dovvybuddy.common.settings import (
    PROJECT_ROOT,
    Settings,
    configured_or_kept_secret,
    load_settings,
)
from dovvybuddy.database.embedded_postgres import EmbeddedPostgres
from dovvybuddy.database.migrations import sqlalchemy_url
from dovvybuddy.database.server import running_database, start_database
from dovvybuddy.ops.processes import ChildProcess, CrashLoop, child_environment, start_child
from dovvybuddy.ops.training import train_if_changed

RASA_SERVER = "Rasa server"
ACTION_SERVER = "action server"
LOGGING_CONFIG = PROJECT_ROOT / "logging.yml"
ACTION_SERVER_START_TIMEOUT = 120.0
RASA_START_TIMEOUT = 240.0
WEB_SERVER_START_TIMEOUT = 30.0


def _raise_keyboard_interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


class Stack:
    """The processes of one DovvyBuddy instance, started and stopped in order."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embedded_postgres: EmbeddedPostgres | None = None
        self.database_url: str | None = None
        self.children: list[ChildProcess] = []
        self.info_written = False

    def start_database(self, migrate_managed_database: bool = True) -> str:
        """Start the embedded server if needed, migrate, and return the database URL."""
        self.database_url, self.embedded_postgres = start_database(
            self.settings, migrate_managed_database
        )
        return self.database_url

    def ingest_knowledge(self) -> None:
        """Bring the knowledge chunks up to date (fast when nothing changed).

        It runs in a child process so the embedding model's memory is given
        back once ingestion is done.
        """
        subprocess.run(
            [str(self.settings.actions_python), "-m", "dovvybuddy.knowledge.ingest"],
            cwd=PROJECT_ROOT,
            env=self.service_environment("ingest"),
            check=True,
        )

    def auth_token(self) -> str:
        """RASA_AUTH_TOKEN, or a random token kept in var/ so it survives restarts."""
        return self._configured_or_kept_secret(self.settings.rasa_auth_token, "rasa_auth_token")

    def action_server_token(self) -> str:
        """ACTION_SERVER_TOKEN (what Rasa sends and the action server checks), likewise."""
        return self._configured_or_kept_secret(
            self.settings.action_server_token, "action_server_token"
        )

    def _configured_or_kept_secret(self, configured: str | None, file_name: str) -> str:
        return configured_or_kept_secret(configured, self.settings.var_dir, file_name)

    def service_environment(self, service: str) -> dict[str, str]:
        """The environment of a process that uses the database; `service`
        names it in its JSON log lines."""
        assert self.database_url, "start the database first"
        return child_environment(
            {
                "DATABASE_URL": self.database_url,
                "TRACKER_STORE_URL": sqlalchemy_url(self.database_url),
                "ACTION_SERVER_URL": self.settings.action_server_url,
                "ACTION_SERVER_TOKEN": self.action_server_token(),
                # One secret for every process, so their hashed ids agree.
                "DOVVY_HASH_SECRET": self._configured_or_kept_secret(
                    self.settings.hash_secret, "hash_secret"
                ),
                # The lead worker signs the links in lead emails, the web server checks them.
                "DOVVY_LEAD_LINK_SECRET": self._configured_or_kept_secret(
                    self.settings.lead_link_secret, "lead_link_secret"
                ),
                "DOVVY_SERVICE": service,
            }
        )

    def start_action_server(self) -> ChildProcess:
        child = start_child(
            ACTION_SERVER,
            [
                str(self.settings.actions_python),
                "-m",
                "actions.server",
                "--port",
                str(self.settings.action_port),
                "--logging-config-file",
                str(LOGGING_CONFIG),
            ],
            self.settings.log_dir / "actions.log",
            self.service_environment("actions"),
            health_url=f"http://127.0.0.1:{self.settings.action_port}/health",
            start_timeout=ACTION_SERVER_START_TIMEOUT,
        )
        self.children.append(child)
        child.wait_until_ready()
        self._warm_up_action_server()
        return child

    def start_lead_delivery(self) -> ChildProcess:
        """The worker that sends stored leads to partner dive centres (outbox)."""
        child = start_child(
            "lead delivery worker",
            [str(self.settings.actions_python), "-m", "dovvybuddy.leads.delivery"],
            self.settings.log_dir / "lead_delivery.log",
            self.service_environment("lead-worker"),
            health_url=f"http://127.0.0.1:{self.settings.worker_health_port}/health",
        )
        self.children.append(child)
        return child

    def start_web_server(self) -> ChildProcess:
        """The chat widget and its demo page (web/), and the lead links' pages
        (these use the database)."""
        child = start_child(
            "web server",
            [str(self.settings.actions_python), "-m", "dovvybuddy.ops.web_server"],
            self.settings.log_dir / "web.log",
            self.service_environment("web"),
            health_url=f"{self.settings.web_url}/health",
            start_timeout=WEB_SERVER_START_TIMEOUT,
        )
        self.children.append(child)
        child.wait_until_ready()
        return child

    def _warm_up_action_server(self) -> None:
        """Answer one question now, so the first diver does not wait for the
        embedding model to load and the database pool to open."""
        request = {
            "next_action": "action_answer_question",
            "sender_id": "dovvybuddy-warm-up",
            "tracker": {
                "sender_id": "dovvybuddy-warm-up",
                "slots": {},
                "latest_message": {"text": "What is the Open Water course?", "entities": []},
                "events": [],
                "paused": False,
                "followup_action": None,
                "active_loop": {},
                "latest_action_name": "action_listen",
            },
            "domain": {},
        }
        urllib.request.urlopen(
            urllib.request.Request(
                f"{self.settings.action_server_url}?token={self.action_server_token()}",
                data=json.dumps(request).encode(),
                headers={"Content-Type": "application/json"},
            ),
            timeout=ACTION_SERVER_START_TIMEOUT,
        ).close()

    def rasa_command(self, subcommand: str, model: str) -> list[str]:
        return [
            str(self.settings.rasa_executable),
            subcommand,
            "--model",
            model,
            "--endpoints",
            str(PROJECT_ROOT / "endpoints.yml"),
            "--port",
            str(self.settings.rasa_port),
        ]

    def start_rasa(self, model: str) -> ChildProcess:
        """Launch the Rasa server; `wait_for_rasa` waits until it has loaded the model."""
        command = [
            *self.rasa_command("run", model),
            "--credentials",
            str(PROJECT_ROOT / "credentials.yml"),
            "--interface",
            self.settings.bind_host,
            "--enable-api",
            "--auth-token",
            self.auth_token(),
            "--logging-config-file",
            str(LOGGING_CONFIG),
            "--cors",
            *self.settings.cors_origins,
        ]
        child = start_child(
            RASA_SERVER,
            command,
            self.settings.log_dir / "rasa.log",
            self.service_environment("rasa"),
            # The server listens only once the model is loaded.
            health_url=f"{self.settings.rasa_url}/webhooks/rest/",
            start_timeout=RASA_START_TIMEOUT,
        )
        self.children.append(child)
        return child

    def wait_for_rasa(self, child: ChildProcess, model: str) -> None:
        child.wait_until_ready()
        self._check_loaded_model(model)

    def _check_loaded_model(self, model: str) -> None:
        url = f"{self.settings.rasa_url}/status?token={self.auth_token()}"
        with urllib.request.urlopen(url, timeout=5) as reply:
            status = json.load(reply)
        if not str(status.get("model_file", "")).endswith(model.rsplit("/", 1)[-1]):
            raise RuntimeError(f"Rasa started without the expected model: {status}")

    def write_info(self) -> None:
        """Record where the running stack is, for `make bench` and the tests."""
        info = {
            "database_url": self.database_url,
            "rasa_url": self.settings.rasa_url,
            "action_server_url": self.settings.action_server_url,
            "web_url": self.settings.web_url,
            "auth_token": self.auth_token(),
            "action_server_token": self.action_server_token(),
            "pids": {child.name: child.process.pid for child in self.children},
            "health_urls": {
                child.name: child.health_url for child in self.children if child.health_url
            },
        }
        self.settings.stack_info_file.write_text(json.dumps(info, indent=2))
        self.settings.stack_info_file.chmod(0o600)
        self.info_written = True

    def first_dead_child(self) -> ChildProcess | None:
        return next((child for child in self.children if not child.is_running()), None)

    def restart(self, child: ChildProcess) -> None:
        """Start a child that died again and wait until it serves (CrashLoop if
        it keeps dying); the others keep running meanwhile."""
        print(
            f"{child.name} exited (code {child.process.returncode}); restarting it. "
            f"Last lines of {child.log_path}:\n{child.log_tail(10)}",
            file=sys.stderr,
            flush=True,
        )
        child.restart()
        child.wait_until_ready()
        if child.name == ACTION_SERVER:
            self._warm_up_action_server()
        self.write_info()
        print(f"{child.name} is back.", flush=True)

    def stop(self) -> None:
        """Stop children in reverse start order, then the embedded database."""
        if self.info_written:
            self.settings.stack_info_file.unlink(missing_ok=True)
        # Rasa first, so that no message reaches a backend that is stopping.
        for child in sorted(reversed(self.children), key=lambda c: c.name != RASA_SERVER):
            child.stop()
        self.children.clear()
        if self.embedded_postgres:
            self.embedded_postgres.stop()
            self.embedded_postgres = None

    def describe(self) -> str:
        database = (
            "DATABASE_URL"
            if self.settings.database_url
            else f"embedded PostgreSQL in {self.settings.postgres_dir}"
        )
        rasa = self.settings.rasa_url
        return "\n".join(
            [
                "DovvyBuddy is ready.",
                f"  REST channel:  POST {rasa}/webhooks/rest/webhook",
                f"  HTTP API:      {rasa}/status?token={self.auth_token()}",
                f"  Action server: http://127.0.0.1:{self.settings.action_port}/health",
                f"  Web widget:    {self.settings.web_url}",
                *(
                    [f"  Telegram:      {self.settings.telegram_mode} mode"]
                    if self.settings.telegram_bot_token
                    else []
                ),
                *(
                    [f"  WhatsApp:      webhook {rasa}/webhooks/whatsapp/webhook"]
                    if self.settings.whatsapp_access_token
                    else []
                ),
                f"  Database:      {database}",
                f"  Logs:          {self.settings.log_dir}",
                "Press Ctrl-C to stop.",
            ]
        )


def start_backends(stack: Stack) -> None:
    """What answers Rasa's calls: the knowledge base, the actions, lead delivery."""
    stack.ingest_knowledge()
    stack.start_action_server()
    stack.start_lead_delivery()


def run(settings: Settings) -> int:
    """Start everything, wait until Ctrl-C or a child dies, stop everything."""
    stack = Stack(settings)
    try:
        stack.start_database()
        model = str(train_if_changed(settings))
        # Rasa takes ~25 s to load its model and needs the action server only
        # when a message arrives, so the backends start while it loads.
        rasa = stack.start_rasa(model)
        start_backends(stack)
        stack.start_web_server()
        stack.wait_for_rasa(rasa, model)
        stack.write_info()
        print(stack.describe(), flush=True)
        while True:
            dead = stack.first_dead_child()
            if dead:
                try:
                    stack.restart(dead)
                except CrashLoop as error:
                    print(f"{error}; stopping.", file=sys.stderr, flush=True)
                    return 1
                except RuntimeError as error:  # died again while starting: next pass
                    print(error, file=sys.stderr, flush=True)
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping DovvyBuddy...", flush=True)
        return 0
    finally:
        stack.stop()
        print("Stopped.", flush=True)


def shell(settings: Settings) -> int:
    """Talk to the bot in the terminal, with the database and actions running."""
    stack = Stack(settings)
    try:
        stack.start_database()
        model = train_if_changed(settings)
        start_backends(stack)
        return subprocess.call(
            stack.rasa_command("shell", str(model)),
            cwd=PROJECT_ROOT,
            env=stack.service_environment("shell"),
        )
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.ops.stack",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start everything and wait for Ctrl-C")
    commands.add_parser("shell", help="talk to the bot in the terminal")
    train = commands.add_parser("train", help="train the model if its inputs changed")
    train.add_argument("--force", action="store_true", help="train even if a model exists")
    commands.add_parser("migrate", help="start the database and apply migrations")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Set SIGINT explicitly too: a shell starts background jobs with it ignored.
        signal.signal(signum, _raise_keyboard_interrupt)
    if args.command == "run":
        return run(settings)
    if args.command == "shell":
        return shell(settings)
    if args.command == "train":
        print(train_if_changed(settings, force=args.force))
        return 0
    with running_database(settings):
        return 0


if __name__ == "__main__":
    sys.exit(main())
