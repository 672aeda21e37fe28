"""Launch `python -m dovvybuddy.ops.stack run` as a child and talk to it.

Used by the end-to-end tests and by `make bench`: both want the real stack,
exactly as `make run` starts it, on free loopback ports and in a separate
var/ directory so they never touch a developer's data. `start_rasa_replica`
adds another Rasa server to a launched stack (tests of channels and of
replicas sharing state).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from dovvybuddy.common.conversation_ids import conversation_id_with_nonce, is_issued_conversation_id
from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.ops.processes import ChildProcess
from dovvybuddy.ops.stack import Stack

# Benchmarks send every turn from 127.0.0.1, so they lift the per-address
# rate limit that protects a public deployment (per-sender limits stay).
ONE_ADDRESS_MANY_DIVERS = {
    "DOVVY_WEB_RATE_PER_IP_PER_MINUTE": "1000000",
    "DOVVY_LEADS_PER_CLIENT_PER_HOUR": "1000000",
}


INHERITED_NEVER = frozenset(
    {
        "DATABASE_URL",
        "REDIS_URL",
        "GEMINI_API_KEY",
        "GEMINI_BASE_URL",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET",
        "TELEGRAM_WEBHOOK_URL",
        "WHATSAPP_ACCESS_TOKEN",
        "WHATSAPP_PHONE_NUMBER_ID",
        "WHATSAPP_APP_SECRET",
        "WHATSAPP_VERIFY_TOKEN",
        "WHATSAPP_API_BASE_URL",
        "DOVVY_SMTP_HOST",
        "DOVVY_SMTP_USERNAME",
        "DOVVY_SMTP_PASSWORD",
        "DOVVY_WEBHOOK_SECRET",
        "DOVVY_LEAD_LINK_SECRET",
        "DOVVY_PUBLIC_WEB_URL",
        "DOVVY_WEB_TOKEN",
        "DOVVY_HASH_SECRET",
        "ACTION_SERVER_TOKEN",
    }
)


# Every launched stack shares this hash secret, so the tests can name their
# web conversations (conversation_id) without asking a particular stack.
LAUNCHED_STACK_HASH_SECRET = "launched-stack-hash-secret"


def conversation_id(name: str) -> str:
    """A web conversation id that every launched stack accepts, standing for `name`.

    Production ids are issued by the REST channel with random nonces; a test
    derives its nonce from the name, so the same name is the same conversation.
    An id that is already valid is returned as it is.
    """
    settings = dataclasses.replace(load_settings(), hash_secret=LAUNCHED_STACK_HASH_SECRET)
    if is_issued_conversation_id(name, settings):
        return name
    nonce = base64.urlsafe_b64encode(hashlib.sha256(name.encode()).digest()[:18]).decode()
    return conversation_id_with_nonce(nonce, settings)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LaunchedStack:
    """A DovvyBuddy stack running in a child process."""

    def __init__(
        self, var_dir: Path, model_dir: Path | None = None, extra_env: dict[str, str] | None = None
    ) -> None:
        self.var_dir = var_dir
        # A test stack never inherits a developer's database or credentials
        # (a real Gemini key would spend money and make answers differ):
        # what a test needs, it passes in `extra_env`.
        self.env = {key: value for key, value in os.environ.items() if key not in INHERITED_NEVER}
        self.env.update(
            {
                "DOVVY_VAR_DIR": str(var_dir),
                "DOVVY_MODEL_DIR": str(model_dir or PROJECT_ROOT / "var" / "models"),
                "RASA_PORT": str(free_port()),
                "ACTION_PORT": str(free_port()),
                "DOVVY_WORKER_HEALTH_PORT": str(free_port()),
                "DOVVY_WEB_PORT": str(free_port()),
                "RASA_AUTH_TOKEN": "launcher-token",
                "DOVVY_HASH_SECRET": LAUNCHED_STACK_HASH_SECRET,
            }
        )
        self.env.update(extra_env or {})
        self.process: subprocess.Popen | None = None
        self.info: dict = {}
        self.session = requests.Session()

    @property
    def output_path(self) -> Path:
        return self.var_dir / "stack-output.log"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def web_url(self) -> str:
        """The demo page with the chat widget."""
        return f"http://127.0.0.1:{self.env['DOVVY_WEB_PORT']}"

    @property
    def token(self) -> str:
        return self.env["RASA_AUTH_TOKEN"]

    def start(self, timeout: float = 600.0) -> float:
        """Start the stack; return the seconds until it reported ready."""
        self.var_dir.mkdir(parents=True, exist_ok=True)
        info_file = self.var_dir / "stack.json"
        info_file.unlink(missing_ok=True)
        started = time.monotonic()
        with open(self.output_path, "ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "dovvybuddy.ops.stack", "run"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        while not info_file.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"the stack exited while starting:\n{self.output()}")
            if time.monotonic() - started > timeout:
                self.stop()
                raise RuntimeError(f"the stack was not ready after {timeout} s:\n{self.output()}")
            time.sleep(0.2)
        self.info = json.loads(info_file.read_text())
        return time.monotonic() - started

    def stop(self, timeout: float = 60.0) -> int:
        """Ask the stack to stop as Ctrl-C would; return its exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def output(self) -> str:
        return self.output_path.read_text(errors="replace") if self.output_path.exists() else ""

    def post(
        self, payload: object = None, *, data: bytes | None = None, timeout: float = 30.0
    ) -> requests.Response:
        """POST to the REST channel: a JSON payload, or raw bytes as they are."""
        url = f"{self.rasa_url}/webhooks/rest/webhook"
        if data is not None:
            return self.session.post(
                url, data=data, timeout=timeout, headers={"Content-Type": "application/json"}
            )
        return self.session.post(url, json=payload, timeout=timeout)

    def say(self, sender: str, text: str) -> list[str]:
        """Send a message; return the texts of the replies."""
        reply = self.post({"sender": conversation_id(sender), "message": text})
        reply.raise_for_status()
        return [message["text"] for message in reply.json() if "text" in message]

    def api(self, path: str) -> requests.Response:
        """GET from Rasa's HTTP API with the auth token."""
        return self.session.get(f"{self.rasa_url}{path}", params={"token": self.token}, timeout=30)


@contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """Run with `env` as this process's environment, then restore it.

    `load_settings()` and the stack's child environment read `os.environ`;
    a replica must see the launched stack's environment, not the caller's.
    """
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@dataclass
class RasaReplica:
    """One more Rasa server sharing a launched stack's model, database and action server."""

    child: ChildProcess
    url: str
    token: str

    def stop(self) -> int:
        """Stop it as the stack stops Rasa; return its exit code."""
        self.child.stop()
        return self.child.process.returncode

    def output(self) -> str:
        """Its log so far."""
        log = self.child.log_path
        return log.read_text(errors="replace") if log.exists() else ""


def start_rasa_replica(
    stack: LaunchedStack, extra_env: dict[str, str] | None = None
) -> RasaReplica:
    """Start another `rasa run` on a free port, as the running `stack` started its own.

    Same model, endpoints.yml, credentials.yml, tracker store and action server;
    `extra_env` changes its settings (TELEGRAM_MODE=polling, say). Its logs go
    to `<var>/replicas/<port>/logs/`. Returns once it has loaded the model.
    """
    port = free_port()
    env = {
        **stack.env,
        "RASA_PORT": str(port),
        "DOVVY_VAR_DIR": str(stack.var_dir / "replicas" / str(port)),
        # The replica calls the same action server, so it sends the same token.
        "ACTION_SERVER_TOKEN": stack.info["action_server_token"],
        **(extra_env or {}),
    }
    model_file = stack.api("/status").json()["model_file"]
    with _environment(env):
        settings = load_settings()
        replica = Stack(settings)
        replica.database_url = stack.info["database_url"]
        model = str(settings.model_dir / model_file)
        child = replica.start_rasa(model)
    try:
        replica.wait_for_rasa(child, model)
    except BaseException:
        child.stop()
        raise
    return RasaReplica(child=child, url=settings.rasa_url, token=replica.auth_token())
