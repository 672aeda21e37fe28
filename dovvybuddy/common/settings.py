"""All of DovvyBuddy's configuration, read from environment variables.

This module is the one place where settings are defined. It uses only the
standard library because both environments import it: the action server and
tooling (Python 3.11) and the custom channels inside the Rasa server
(Python 3.10). Every variable is documented in the README with its default.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from error


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as error:
        raise ValueError(f"{name} must be a number, got {raw!r}") from error


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, got {raw!r}")


def _path(name: str, default: Path) -> Path:
    raw = os.environ.get(name, "").strip()
    return Path(raw).expanduser().resolve() if raw else default


def _csv(name: str, default: str) -> tuple[str, ...]:
    raw = os.environ.get(name, default)
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """A snapshot of the environment; build one with `load_settings()`."""

    var_dir: Path
    venv_dir: Path
    model_dir: Path
    # Vectors of knowledge text already embedded, shared by every database
    # ingested on this machine (a managed Postgres, each test stack's own).
    embedding_cache: Path
    database_url: str | None
    embedded_database_name: str
    bind_host: str
    rasa_port: int
    action_port: int
    rasa_auth_token: str | None = field(repr=False)
    action_server_token: str | None = field(repr=False)
    hash_secret: str | None = field(repr=False)
    cors_origins: tuple[str, ...]
    max_message_chars: int
    log_level: str
    embedding_provider: str
    gemini_api_key: str | None
    gemini_base_url: str | None
    gemini_model: str
    gemini_embedding_model: str
    gemini_timeout_seconds: float
    answer_max_words: int
    llm_calls_per_conversation_per_minute: int
    llm_calls_per_minute: int
    llm_daily_token_budget: int
    llm_cost_per_1k_tokens: float
    retrieval_min_similarity: float
    default_lead_email: str
    lead_from: str
    smtp_host: str
    smtp_port: int
    smtp_username: str | None
    # Secrets stay out of repr() so a logged Settings object does not leak them.
    smtp_password: str | None = field(repr=False)
    smtp_starttls: bool
    webhook_secret: str | None = field(repr=False)
    # Signs the links in lead messages (partner acknowledgement, diver withdrawal).
    lead_link_secret: str | None = field(repr=False)
    lead_link_days: int
    public_web_url: str | None
    lead_delivery_timeout_seconds: float
    lead_claim_seconds: float
    lead_retry_base_seconds: float
    lead_retry_max_seconds: float
    lead_max_attempts: int
    lead_poll_seconds: float
    lead_batch_size: int
    web_port: int
    public_rasa_url: str | None
    turn_timeout_seconds: float
    worker_health_port: int
    retention_days: int
    lead_retention_days: int
    redis_url: str | None = field(repr=False)
    web_rate_per_sender_per_minute: int
    web_rate_per_ip_per_minute: int
    web_token: str | None = field(repr=False)
    leads_per_conversation_per_hour: int
    leads_per_email_per_hour: int
    leads_per_client_per_hour: int
    telegram_bot_token: str | None = field(repr=False)
    telegram_webhook_secret: str | None = field(repr=False)
    telegram_webhook_url: str | None
    telegram_mode: str
    telegram_api_base_url: str | None
    telegram_bot_username: str | None
    telegram_rate_per_chat_per_minute: int
    telegram_max_concurrent_turns: int
    whatsapp_access_token: str | None = field(repr=False)
    whatsapp_phone_number_id: str | None
    whatsapp_app_secret: str | None = field(repr=False)
    whatsapp_verify_token: str | None = field(repr=False)
    whatsapp_api_base_url: str
    whatsapp_api_version: str
    whatsapp_rate_per_number_per_minute: int
    whatsapp_max_concurrent_turns: int

    @property
    def postgres_dir(self) -> Path:
        """Data directory of the embedded PostgreSQL server."""
        return self.var_dir / "postgres"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "logs"

    @property
    def stack_info_file(self) -> Path:
        """Written by a running stack: its database URL and addresses, for tools."""
        return self.var_dir / "stack.json"

    @property
    def rasa_executable(self) -> Path:
        """The `rasa` command of the Python 3.10 Rasa environment."""
        return self.venv_dir / "rasa" / "bin" / "rasa"

    @property
    def actions_python(self) -> Path:
        """The interpreter of the Python 3.11 action-server environment."""
        return self.venv_dir / "actions" / "bin" / "python"

    @property
    def lead_spool_dir(self) -> Path:
        """Where leads wait on disk while the database is down."""
        return self.var_dir / "lead_spool"

    @property
    def action_server_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def web_url(self) -> str:
        """The demo page that embeds the chat widget."""
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def link_base_url(self) -> str:
        """Where the links in lead emails point: DOVVY_PUBLIC_WEB_URL, else the web server."""
        return self.public_web_url or self.web_url


def load_settings() -> Settings:
    """Read the settings from the environment (defaults suit a laptop)."""
    var_dir = _path("DOVVY_VAR_DIR", PROJECT_ROOT / "var")
    web_port = _int("DOVVY_WEB_PORT", 8080)
    return Settings(
        var_dir=var_dir,
        venv_dir=_path("DOVVY_VENV_DIR", PROJECT_ROOT / ".venvs"),
        model_dir=_path("DOVVY_MODEL_DIR", var_dir / "models"),
        embedding_cache=_path(
            "DOVVY_EMBEDDING_CACHE", PROJECT_ROOT / "var" / "cache" / "embeddings.sqlite3"
        ),
        database_url=os.environ.get("DATABASE_URL", "").strip() or None,
        embedded_database_name=os.environ.get("DOVVY_DB_NAME", "dovvybuddy"),
        bind_host=os.environ.get("DOVVY_BIND_HOST", "127.0.0.1"),
        rasa_port=_int("RASA_PORT", 5005),
        action_port=_int("ACTION_PORT", 5055),
        rasa_auth_token=os.environ.get("RASA_AUTH_TOKEN", "").strip() or None,
        action_server_token=os.environ.get("ACTION_SERVER_TOKEN", "").strip() or None,
        hash_secret=os.environ.get("DOVVY_HASH_SECRET", "").strip() or None,
        # Browsers may use the chat from the demo page only, unless configured.
        cors_origins=_csv(
            "DOVVY_CORS_ORIGINS", f"http://127.0.0.1:{web_port},http://localhost:{web_port}"
        ),
        max_message_chars=_int("DOVVY_MAX_MESSAGE_CHARS", 2000),
        log_level=os.environ.get("DOVVY_LOG_LEVEL", "INFO").upper(),
        embedding_provider=os.environ.get("DOVVY_EMBEDDING_PROVIDER", "local").strip().lower(),
        gemini_api_key=os.environ.get("GEMINI_API_KEY", "").strip() or None,
        gemini_base_url=os.environ.get("GEMINI_BASE_URL", "").strip() or None,
        gemini_model=os.environ.get("GEMINI_MODEL", "gemini-2.5-flash"),
        gemini_embedding_model=os.environ.get("GEMINI_EMBEDDING_MODEL", "gemini-embedding-001"),
        gemini_timeout_seconds=_float("GEMINI_TIMEOUT_SECONDS", 8.0),
        answer_max_words=_int("DOVVY_ANSWER_MAX_WORDS", 120),
        llm_calls_per_conversation_per_minute=_int(
            "DOVVY_LLM_CALLS_PER_CONVERSATION_PER_MINUTE", 6
        ),
        llm_calls_per_minute=_int("DOVVY_LLM_CALLS_PER_MINUTE", 60),
        llm_daily_token_budget=_int("DOVVY_LLM_DAILY_TOKEN_BUDGET", 1_000_000),
        llm_cost_per_1k_tokens=_float("DOVVY_LLM_COST_PER_1K_TOKENS", 0.001),
        retrieval_min_similarity=_float("DOVVY_RETRIEVAL_MIN_SIMILARITY", 0.25),
        default_lead_email=os.environ.get("DOVVY_DEFAULT_LEAD_EMAIL", "").strip()
        or "leads@dovvybuddy.example",
        lead_from=os.environ.get("DOVVY_LEAD_FROM", "").strip()
        or "DovvyBuddy <leads@dovvybuddy.example>",
        smtp_host=os.environ.get("DOVVY_SMTP_HOST", "").strip() or "127.0.0.1",
        smtp_port=_int("DOVVY_SMTP_PORT", 1025),
        smtp_username=os.environ.get("DOVVY_SMTP_USERNAME", "").strip() or None,
        smtp_password=os.environ.get("DOVVY_SMTP_PASSWORD") or None,
        smtp_starttls=_bool("DOVVY_SMTP_STARTTLS", False),
        webhook_secret=os.environ.get("DOVVY_WEBHOOK_SECRET") or None,
        lead_link_secret=os.environ.get("DOVVY_LEAD_LINK_SECRET", "").strip() or None,
        lead_link_days=_int("DOVVY_LEAD_LINK_DAYS", 30),
        public_web_url=os.environ.get("DOVVY_PUBLIC_WEB_URL", "").strip().rstrip("/") or None,
        lead_delivery_timeout_seconds=_float("DOVVY_LEAD_DELIVERY_TIMEOUT_SECONDS", 10.0),
        lead_claim_seconds=_float("DOVVY_LEAD_CLAIM_SECONDS", 120.0),
        lead_retry_base_seconds=_float("DOVVY_LEAD_RETRY_BASE_SECONDS", 5.0),
        lead_retry_max_seconds=_float("DOVVY_LEAD_RETRY_MAX_SECONDS", 900.0),
        lead_max_attempts=_int("DOVVY_LEAD_MAX_ATTEMPTS", 8),
        lead_poll_seconds=_float("DOVVY_LEAD_POLL_SECONDS", 2.0),
        lead_batch_size=_int("DOVVY_LEAD_BATCH_SIZE", 10),
        web_port=web_port,
        public_rasa_url=os.environ.get("DOVVY_PUBLIC_RASA_URL", "").strip().rstrip("/") or None,
        turn_timeout_seconds=_float("DOVVY_TURN_TIMEOUT_SECONDS", 20.0),
        worker_health_port=_int("DOVVY_WORKER_HEALTH_PORT", 5056),
        retention_days=_int("DOVVY_RETENTION_DAYS", 180),
        lead_retention_days=_int("DOVVY_LEAD_RETENTION_DAYS", 365),
        redis_url=os.environ.get("REDIS_URL", "").strip() or None,
        web_rate_per_sender_per_minute=_int("DOVVY_WEB_RATE_PER_SENDER_PER_MINUTE", 30),
        web_rate_per_ip_per_minute=_int("DOVVY_WEB_RATE_PER_IP_PER_MINUTE", 120),
        web_token=os.environ.get("DOVVY_WEB_TOKEN", "").strip() or None,
        # A diver may enquire about a course and a trip, and correct one; more
        # from one chat or one email is not a diver. A network is shared by a
        # family or a dive club on one connection: more there.
        leads_per_conversation_per_hour=_int("DOVVY_LEADS_PER_CONVERSATION_PER_HOUR", 3),
        leads_per_email_per_hour=_int("DOVVY_LEADS_PER_EMAIL_PER_HOUR", 3),
        leads_per_client_per_hour=_int("DOVVY_LEADS_PER_CLIENT_PER_HOUR", 10),
        telegram_bot_token=os.environ.get("TELEGRAM_BOT_TOKEN", "").strip() or None,
        telegram_webhook_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None,
        telegram_webhook_url=os.environ.get("TELEGRAM_WEBHOOK_URL", "").strip() or None,
        telegram_mode=os.environ.get("TELEGRAM_MODE", "webhook").strip().lower(),
        telegram_api_base_url=os.environ.get("TELEGRAM_API_BASE_URL", "").strip() or None,
        telegram_bot_username=os.environ.get("TELEGRAM_BOT_USERNAME", "").strip().lstrip("@")
        or None,
        telegram_rate_per_chat_per_minute=_int("TELEGRAM_RATE_PER_CHAT_PER_MINUTE", 20),
        telegram_max_concurrent_turns=_int("TELEGRAM_MAX_CONCURRENT_TURNS", 8),
        whatsapp_access_token=os.environ.get("WHATSAPP_ACCESS_TOKEN", "").strip() or None,
        whatsapp_phone_number_id=os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "").strip() or None,
        whatsapp_app_secret=os.environ.get("WHATSAPP_APP_SECRET", "").strip() or None,
        whatsapp_verify_token=os.environ.get("WHATSAPP_VERIFY_TOKEN", "").strip() or None,
        whatsapp_api_base_url=os.environ.get("WHATSAPP_API_BASE_URL", "").strip().rstrip("/")
        or "https://graph.facebook.com",
        whatsapp_api_version=os.environ.get("WHATSAPP_API_VERSION", "").strip() or "v21.0",
        whatsapp_rate_per_number_per_minute=_int("WHATSAPP_RATE_PER_NUMBER_PER_MINUTE", 20),
        whatsapp_max_concurrent_turns=_int("WHATSAPP_MAX_CONCURRENT_TURNS", 8),
    )


def configured_or_kept_secret(configured: str | None, var_dir: Path, file_name: str) -> str:
    """The configured secret, or a random one kept in var/ so it survives restarts."""
    if configured:
        return configured
    secret_file = var_dir / file_name
    if not secret_file.exists():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(secrets.token_urlsafe(24))
        secret_file.chmod(0o600)
    return secret_file.read_text().strip()


# The message metadata key under which the web channel passes the keyed hash
# of the client's network (never the address); the lead store caps leads by it.
CLIENT_METADATA_KEY = "dovvy_client"


def keyed_hash(value: str, settings: Settings | None = None) -> str:
    """HMAC-SHA256 of a conversation id under DOVVY_HASH_SECRET (hex).

    A plain hash of "tg:<chat id>" is undone by trying chat ids; without the
    secret this one is not. Logs and lead rows use it instead of the id.
    """
    return hmac.new(hash_secret(settings).encode(), value.encode(), hashlib.sha256).hexdigest()


def hash_secret(settings: Settings | None = None) -> str:
    """DOVVY_HASH_SECRET, or the random one kept in var/."""
    settings = settings or load_settings()
    return _hash_secret(settings.hash_secret, settings.var_dir)


def lead_link_secret(settings: Settings) -> str:
    """DOVVY_LEAD_LINK_SECRET, or the random one kept in var/ (the lead worker
    signs with it, the web server checks with it: both read the same var/)."""
    return configured_or_kept_secret(
        settings.lead_link_secret, settings.var_dir, "lead_link_secret"
    )


@lru_cache(maxsize=8)
def _hash_secret(configured: str | None, var_dir: Path) -> str:
    # Read once per process: the web channel checks a MAC on every message.
    return configured_or_kept_secret(configured, var_dir, "hash_secret")
