"""The pages behind the signed links in lead messages, served by the web server.

`/leads/contacted` (the partner's) and `/leads/withdraw` (the diver's) both
work in two steps: a GET checks the link and shows a page with a button; only
the POST that button sends changes the lead. Mail scanners and link previews
open every link in an email, and must neither withdraw an enquiry nor mark it
contacted. A partner's system may POST `token=...` directly.

Every refusal is a page with a 4xx status that says what happened: a link
that is not one of ours (400 malformed, 403 forged), an expired one (410), a
lead that is gone (404), or a second use (409, with the time of the first).
Only a database that cannot be reached is a 503: the link still works later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from http import HTTPStatus
from typing import Any
from uuid import UUID

import psycopg

from dovvybuddy.common.settings import Settings, lead_link_secret
from dovvybuddy.leads.lifecycle import (
    WITHDRAWN,
    LinkResult,
    Outcome,
    lead_state,
    mark_contacted,
    withdraw,
)
from dovvybuddy.leads.links import (
    CONTACTED,
    LINK_PATHS,
    WITHDRAW,
    LinkToken,
    TokenProblem,
    read_token,
)
from dovvybuddy.leads.partners import DEFAULT_PARTNER_NAME, load_partners

logger = logging.getLogger(__name__)

PURPOSE_OF_PATH = {path: purpose for purpose, path in LINK_PATHS.items()}
# The pages submit their form to themselves and load nothing.
PAGE_SECURITY_POLICY = (
    "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_CONNECT_TIMEOUT_SECONDS = 5

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - DovvyBuddy</title></head>
<body>
<main>
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""

_TOKEN_PROBLEMS = {
    TokenProblem.MALFORMED: (
        HTTPStatus.BAD_REQUEST,
        "This link is incomplete",
        "The link is not complete or was changed. Please open it again from the email, "
        "copying the whole address.",
    ),
    TokenProblem.FORGED: (
        HTTPStatus.FORBIDDEN,
        "This link is not valid",
        "DovvyBuddy did not sign this link, so nothing was changed.",
    ),
    TokenProblem.EXPIRED: (
        HTTPStatus.GONE,
        "This link has expired",
        "The link is too old to use, so nothing was changed.",
    ),
}


@dataclass(frozen=True)
class Page:
    """A response: status and HTML."""

    status: HTTPStatus
    html: bytes


def page(status: HTTPStatus, title: str, *paragraphs: str, form: str = "") -> Page:
    """A small HTML page; every text is escaped."""
    body = "\n".join(f"<p>{escape(text)}</p>" for text in paragraphs) + form
    return Page(status, _PAGE.format(title=escape(title), body=body).encode())


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "earlier"


def _partner_name(partner_id: str) -> str:
    names = {partner.partner_id: partner.name for partner in load_partners()}
    return names.get(partner_id, DEFAULT_PARTNER_NAME)


def _form(purpose: str, token: str, button: str) -> str:
    return (
        f'<form method="post" action="{LINK_PATHS[purpose]}">'
        f'<input type="hidden" name="token" value="{escape(token, quote=True)}">'
        f'<button type="submit">{escape(button)}</button></form>'
    )


def _gone() -> Page:
    return page(
        HTTPStatus.NOT_FOUND,
        "Enquiry not found",
        "DovvyBuddy no longer keeps this enquiry (enquiries are deleted after a while), "
        "so there is nothing to change.",
    )


def _confirmation(purpose: str, token: str, lead: LinkToken, connection: Any) -> Page:
    """The GET page: what the button will do, or why it would do nothing."""
    state = lead_state(connection, lead.lead_id)
    if state is None:
        return _gone()
    partner = _partner_name(state.partner_id)
    received = _when(state.created_at)
    if state.status == WITHDRAWN:
        return _result(purpose, LinkResult(Outcome.WITHDRAWN, state.withdrawn_at))
    if purpose == WITHDRAW:
        return page(
            HTTPStatus.OK,
            "Withdraw your enquiry?",
            f"Your {state.lead_type} enquiry was sent to {partner} on {received}.",
            "Withdrawing deletes your name, email, phone and the details of the enquiry "
            f"from DovvyBuddy, and tells {partner} to delete them too.",
            form=_form(purpose, token, "Withdraw my enquiry"),
        )
    if state.contacted_at is not None:
        return _result(purpose, LinkResult(Outcome.ALREADY, state.contacted_at))
    return page(
        HTTPStatus.OK,
        "Have you contacted the diver?",
        f"This {state.lead_type} enquiry reached {partner} on {received}.",
        "Press the button once you have contacted the diver.",
        form=_form(purpose, token, "Yes, we have contacted the diver"),
    )


def _result(purpose: str, result: LinkResult) -> Page:
    """The page after the button (or a link whose work is already done)."""
    when = _when(result.at)
    if result.outcome is Outcome.NO_LEAD:
        return _gone()
    if result.outcome is Outcome.WITHDRAWN or (
        purpose == WITHDRAW and result.outcome is Outcome.ALREADY
    ):
        # A second withdrawal is a second use; a partner's link to a withdrawn lead is gone.
        status = HTTPStatus.CONFLICT if purpose == WITHDRAW else HTTPStatus.GONE
        return page(
            status,
            "This enquiry was withdrawn",
            f"The diver withdrew this enquiry on {when}; its details are deleted. "
            "Nothing was changed now.",
        )
    if result.outcome is Outcome.ALREADY:
        return page(
            HTTPStatus.CONFLICT,
            "Already recorded",
            f"Contact with the diver was recorded on {when}. Nothing was changed now.",
        )
    if purpose == WITHDRAW:
        told = (
            "The dive centre has been told to delete them too."
            if result.partner_notified
            else "It had not reached the dive centre yet and will not be sent."
        )
        return page(
            HTTPStatus.OK,
            "Your enquiry is withdrawn",
            f"DovvyBuddy deleted your name, email, phone and enquiry details on {when}.",
            told,
        )
    return page(
        HTTPStatus.OK,
        "Thank you",
        f"Contact with the diver is recorded ({when}). You can close this page.",
    )


ACTIONS: dict[str, Callable[[psycopg.Connection[Any], UUID], LinkResult]] = {
    CONTACTED: mark_contacted,
    WITHDRAW: withdraw,
}


def answer_link(settings: Settings, path: str, token: str, act: bool) -> Page:
    """The page for a link to `path` with `token`; `act` is the button's POST."""
    purpose = PURPOSE_OF_PATH[path]
    checked = read_token(lead_link_secret(settings), purpose, token)
    if isinstance(checked, TokenProblem):
        return page(*_TOKEN_PROBLEMS[checked])
    if not settings.database_url:
        return _unavailable()
    try:
        with psycopg.connect(
            settings.database_url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_SECONDS
        ) as connection:
            if act:
                return _result(purpose, ACTIONS[purpose](connection, checked.lead_id))
            return _confirmation(purpose, token, checked, connection)
    except psycopg.Error as error:
        logger.warning("lead link not served, database unavailable: %s", type(error).__name__)
        return _unavailable()


def _unavailable() -> Page:
    return page(
        HTTPStatus.SERVICE_UNAVAILABLE,
        "Please try again later",
        "DovvyBuddy cannot reach its records right now. Nothing was changed; "
        "the link will still work later.",
    )
