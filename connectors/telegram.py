"""The Telegram channel, built on python-telegram-bot (PTB) inside the Rasa server.

Rasa loads `TelegramInput` from credentials.yml; everything else comes from
the settings (TELEGRAM_* variables). Updates arrive one of two ways and go
through the same code:

- webhook (default): Telegram POSTs to /webhooks/telegram/webhook with the
  secret token header; with TELEGRAM_WEBHOOK_URL set, the webhook is
  registered when the server starts;
- polling (TELEGRAM_MODE=polling): a task started with the server calls
  getUpdates, for development without a public URL.

Each update is answered in the background (Telegram wants its 200 quickly);
turns of one chat run one after the other, different chats concurrently, at
most TELEGRAM_MAX_CONCURRENT_TURNS at a time; a chat over
TELEGRAM_RATE_PER_CHAT_PER_MINUTE is told once to slow down and its extra
messages are dropped, and beyond MAX_WAITING_UPDATES waiting updates new ones
are dropped, so a flood cannot queue work without bound.
Logs carry chat and update ids only, never what people wrote.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from functools import partial
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, Update
from telegram.constants import ChatAction
from telegram.error import RetryAfter, TelegramError

from connectors.fallback_replies import NO_REPLY_TEXT
from connectors.readiness import Readiness
from connectors.telegram_messages import (
    IncomingMessage,
    chat_id_of,
    inline_keyboard,
    read_update,
    split_text,
)
from dovvybuddy.common.rate_limit import SlidingWindowLimiter
from dovvybuddy.common.settings import Settings, load_settings
from dovvybuddy.monitoring.metrics import RATE_LIMITED, TURN_SECONDS, TURNS

logger = logging.getLogger(__name__)
# httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
logging.getLogger("httpx").setLevel(logging.WARNING)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
POLL_TIMEOUT_SECONDS = 30
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0
MAX_RETRY_AFTER_SECONDS = 30.0
STOP_GRACE_SECONDS = 10.0
TYPING_REFRESH_SECONDS = 4.0
# Telegram needs a text above an inline keyboard.
BUTTONS_ONLY_TEXT = "Please choose:"
MAX_WAITING_UPDATES = 200
# How long an update that arrives while the assistant starts waits for it.
READY_WAIT_SECONDS = 120.0
SLOW_DOWN_TEXT = (
    "You're sending messages quickly, so I'll skip a few. Please wait a minute and ask again."
)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def _describe(error: BaseException, token: str) -> str:
    # Some PTB errors (InvalidToken) quote the token.
    return f"{type(error).__name__}: {error}".replace(token, "<token>")


class TelegramOutput(OutputChannel):
    """Sends Rasa's replies to Telegram chats through PTB's `Bot`."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.replied = False

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.replied = True
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        chat = chat_id_of(recipient_id)
        for chunk in split_text(text):
            await self._deliver(chat, partial(self.bot.send_message, chat, chunk))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        # The keyboard goes under the last part of a long text.
        chat = chat_id_of(recipient_id)
        *leading, last = split_text(text) or [BUTTONS_ONLY_TEXT]
        for chunk in leading:
            await self._deliver(chat, partial(self.bot.send_message, chat, chunk))
        await self._deliver(
            chat,
            partial(self.bot.send_message, chat, last, reply_markup=inline_keyboard(buttons)),
        )

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        chat = chat_id_of(recipient_id)
        await self._deliver(chat, partial(self.bot.send_photo, chat, image))

    async def send_typing(self, recipient_id: str) -> None:
        """Show "typing..." for up to 5 s, or until the next message."""
        chat = chat_id_of(recipient_id)
        await self._deliver(chat, partial(self.bot.send_chat_action, chat, ChatAction.TYPING))

    async def answer_button_press(self, recipient_id: str, callback_query_id: str) -> None:
        """Stop the loading spinner on the button the diver pressed."""
        await self._deliver(
            chat_id_of(recipient_id), partial(self.bot.answer_callback_query, callback_query_id)
        )

    async def _deliver(self, chat_id: str, request: Callable[[], Awaitable[object]]) -> None:
        # A failed send must not fail the turn, or Rasa would not save the
        # conversation. Telegram's flood control (RetryAfter) is waited out once.
        for attempt in (1, 2):
            try:
                await request()
                return
            except RetryAfter as error:
                seconds = _seconds(error.retry_after)
                if attempt == 2 or seconds > MAX_RETRY_AFTER_SECONDS:
                    logger.warning("Telegram flood limit for chat %s: message dropped", chat_id)
                    return
                await asyncio.sleep(seconds)
            except TelegramError as error:
                logger.warning(
                    "Telegram send to chat %s failed: %s", chat_id, _describe(error, self.bot.token)
                )
                return


def _seconds(period: float | timedelta) -> float:
    return period.total_seconds() if isinstance(period, timedelta) else float(period)


class TelegramInput(InputChannel):
    """Receives Telegram updates by webhook or by polling and answers them through Rasa."""

    def __init__(
        self, settings: Settings | None = None, readiness: Readiness | None = None
    ) -> None:
        self.settings = settings or load_settings()
        self._bot: Bot | None = None
        self._poller: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()
        self._initialising = asyncio.Lock()
        # A lock lives while a turn of its chat is running or waiting.
        self._chat_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._per_chat = SlidingWindowLimiter(self.settings.telegram_rate_per_chat_per_minute)
        # One "slow down" per chat and minute, not one per dropped message.
        self._told_to_slow_down = SlidingWindowLimiter(1)
        self._turns = asyncio.Semaphore(self.settings.telegram_max_concurrent_turns)
        self.readiness = readiness or Readiness.from_environment()

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        # Token and secrets come from the environment (dovvybuddy.common.settings),
        # so credentials.yml holds no secrets.
        return cls()

    @property
    def bot(self) -> Bot:
        """PTB's Bot, built on first use (no network until the first call)."""
        if self._bot is None:
            assert self.settings.telegram_bot_token, "TELEGRAM_BOT_TOKEN is not set"
            base_url = self.settings.telegram_api_base_url
            self._bot = Bot(
                self.settings.telegram_bot_token, **({"base_url": base_url} if base_url else {})
            )
        return self._bot

    @property
    def polling(self) -> bool:
        """True when updates are fetched with getUpdates (TELEGRAM_MODE=polling)."""
        return self.settings.telegram_mode == "polling"

    def get_output_channel(self) -> OutputChannel | None:
        """Lets Rasa's HTTP API send to Telegram (`?output_channel=telegram`)."""
        return TelegramOutput(self.bot) if self.settings.telegram_bot_token else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("telegram_webhook", __name__)

        @webhook.listener("after_server_start")
        async def start(app: Any, loop: Any) -> None:
            self._start(on_new_message)

        @webhook.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            await self._stop()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json(
                {
                    "status": "ok",
                    "mode": "polling" if self.polling else "webhook",
                    "configured": bool(self.settings.telegram_bot_token),
                }
            )

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return self._receive(request, on_new_message)

        return webhook

    def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        secret = self.settings.telegram_webhook_secret
        if not self.settings.telegram_bot_token or not secret:
            return _error(
                503,
                "telegram_not_configured",
                "Set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET to receive Telegram updates.",
            )
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return _error(403, "forbidden", f"Missing or wrong {SECRET_HEADER} header.")
        try:
            payload = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return _error(400, "invalid_json", "The request body must be a JSON update.")
        try:
            update = Update.de_json(payload, self.bot)
        except (TypeError, KeyError, ValueError, AttributeError):
            update = None
        # Telegram retries anything but a 2xx forever, so what we cannot use is acknowledged.
        if update is None or not self._spawn_update(update, on_new_message):
            return response.json({"status": "ignored"})
        return response.json({"status": "accepted"})

    def _start(self, on_new_message: OnNewMessage) -> None:
        if not self.settings.telegram_bot_token:
            logger.info("Telegram channel off: TELEGRAM_BOT_TOKEN is not set")
            return
        if self.settings.telegram_mode not in ("polling", "webhook"):
            logger.warning(
                "TELEGRAM_MODE=%r is neither webhook nor polling; using webhook",
                self.settings.telegram_mode,
            )
        if self.polling:
            self._poller = asyncio.create_task(self._poll(on_new_message))
        elif self.settings.telegram_webhook_url:
            self._spawn(self._register_webhook())
        else:
            logger.info("Telegram webhook mode; TELEGRAM_WEBHOOK_URL is not set, not registering")

    async def _stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        if self._tasks:
            # Turns already running get to finish; their replies are on their way.
            await asyncio.wait(set(self._tasks), timeout=STOP_GRACE_SECONDS)
            for task in set(self._tasks):
                task.cancel()
        if self._bot is not None:
            await self._bot.shutdown()

    async def _register_webhook(self) -> None:
        if not self.settings.telegram_webhook_secret:
            logger.warning(
                "Not registering the Telegram webhook: set TELEGRAM_WEBHOOK_SECRET too, "
                "or every update would be refused"
            )
            return
        try:
            await self.bot.set_webhook(
                self.settings.telegram_webhook_url,
                secret_token=self.settings.telegram_webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        except TelegramError as error:
            logger.warning(
                "Could not register the Telegram webhook (%s); serving anyway",
                _describe(error, self.bot.token),
            )
        else:
            logger.info("Telegram webhook registered")

    async def _poll(self, on_new_message: OnNewMessage) -> None:
        offset: int | None = None
        webhook_deleted = False
        failures = 0
        logger.info("Telegram polling started")
        while True:
            try:
                # getUpdates is refused while a webhook is set.
                if not webhook_deleted:
                    await self.bot.delete_webhook()
                    webhook_deleted = True
                updates = await self.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=ALLOWED_UPDATES
                )
            except Exception as error:  # the loop must outlive any one failure
                failures += 1
                delay = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** (failures - 1))
                logger.warning(
                    "Telegram polling failed (%s); retrying in %.0f s",
                    _describe(error, self.bot.token),
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            failures = 0
            for update in updates:
                offset = update.update_id + 1
                self._spawn_update(update, on_new_message)

    async def _handle(self, update: Update, on_new_message: OnNewMessage) -> None:
        try:
            # Once (a burst of updates waits for the first): learns the bot's username.
            async with self._initialising:
                await self.bot.initialize()
        except TelegramError as error:
            logger.warning(
                "Telegram update %s dropped: %s", update.update_id, _describe(error, self.bot.token)
            )
            return
        username = self.settings.telegram_bot_username or self.bot.username
        incoming = read_update(update, username, self.settings.max_message_chars)
        if incoming is None:
            logger.debug("Telegram update %s ignored", update.update_id)
            return
        if not self._per_chat.allow(str(incoming.chat_id)):
            RATE_LIMITED.labels("telegram", "chat").inc()
            logger.warning("Telegram chat %s over its rate: update dropped", incoming.chat_id)
            if self._told_to_slow_down.allow(str(incoming.chat_id)):
                await TelegramOutput(self.bot).send_text_message(incoming.sender_id, SLOW_DOWN_TEXT)
            return
        # A message sent while the assistant starts waits for it instead of
        # getting "having trouble answering".
        if not await self.readiness.wait(READY_WAIT_SECONDS):
            logger.warning("Telegram update %s: the assistant is still starting", update.update_id)
        async with self._chat_lock(incoming.chat_id), self._turns:
            logger.info("Telegram update %s for chat %s", update.update_id, incoming.chat_id)
            await self._answer(incoming, on_new_message)

    async def _answer(self, incoming: IncomingMessage, on_new_message: OnNewMessage) -> None:
        chat = incoming.sender_id
        output = TelegramOutput(self.bot)
        if incoming.callback_query_id:
            await output.answer_button_press(chat, incoming.callback_query_id)
        if incoming.reply:
            await output.send_text_message(chat, incoming.reply)
            return
        started = time.monotonic()
        await output.send_typing(chat)
        typing = asyncio.create_task(_keep_typing(output, chat))
        try:
            await on_new_message(
                UserMessage(incoming.text, output, chat, input_channel=self.name())
            )
        except Exception:  # the diver still gets an answer; the log gets the trace
            logger.exception("Telegram turn failed for chat %s", chat)
        finally:
            typing.cancel()
        TURNS.labels("telegram", "answered" if output.replied else "no_reply").inc()
        if not output.replied:
            await output.send_text_message(chat, NO_REPLY_TEXT)
        TURN_SECONDS.labels("telegram").observe(time.monotonic() - started)

    def _chat_lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._chat_locks.get(chat_id)
        if lock is None:
            lock = self._chat_locks[chat_id] = asyncio.Lock()
        return lock

    def _spawn_update(self, update: Update, on_new_message: OnNewMessage) -> bool:
        """Handle the update in the background; False when too many are waiting."""
        if len(self._tasks) >= MAX_WAITING_UPDATES:
            logger.warning("Telegram update %s dropped: too many waiting", update.update_id)
            return False
        self._spawn(self._handle(update, on_new_message))
        return True

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("Telegram update handling failed", exc_info=task.exception())


async def _keep_typing(output: TelegramOutput, chat_id: str) -> None:
    # Telegram shows "typing..." for at most 5 s, and a slow turn takes longer.
    while True:
        await asyncio.sleep(TYPING_REFRESH_SECONDS)
        await output.send_typing(chat_id)


def _error(status: int, error: str, detail: str) -> HTTPResponse:
    return response.json({"error": error, "detail": detail}, status=status)
