"""The web widget in a real browser (headless Chromium), against the real stack.

The demo page comes from the stack's web server and the widget talks to the
stack's Rasa server, as in `make run`. A few tests replace Rasa's reply with
`page.route` to show what the widget does with hostile text or an error.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect, sync_playwright

from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.ops.launcher import LaunchedStack

pytestmark = pytest.mark.e2e

# Debian's Chromium, not a browser downloaded by `playwright install`.
CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOT = PROJECT_ROOT / "reports" / "widget.png"

expect.set_options(timeout=15_000)


# Module scope: Playwright's sync API keeps an event loop running in this
# thread while it is open, and the asyncio tests collected after this module
# (tests/security) cannot start theirs until it is closed.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for this module; each test gets its own context."""
    if CHROMIUM is None:
        pytest.fail("The widget tests need Chromium on PATH (Debian: apt install chromium).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Widget:
    """The demo page and the widget on it, found the way a user finds them: by role and name."""

    def __init__(self, page: Page, stack: LaunchedStack) -> None:
        self.page = page
        self.stack = stack
        self.launcher = page.get_by_role("button", name="Ask DovvyBuddy", exact=True)
        self.dialog = page.get_by_role("dialog", name="DovvyBuddy")
        self.log = page.get_by_role("log")
        self.input = page.get_by_role("textbox", name="Message DovvyBuddy")
        self.typing = page.locator(".typing")
        self.bot_messages = page.locator(".message-bot")
        self.user_messages = page.locator(".message-user")
        self.notice = page.locator(".notice")
        # JavaScript errors and refused resources (a CSP violation) fail the test.
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.on("console", self._note_policy_violation)

    def _note_policy_violation(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.problems.append(message.text)

    @property
    def webhook(self) -> str:
        return f"{self.stack.rasa_url}/webhooks/rest/webhook"

    def visit(self) -> Widget:
        self.page.goto(self.stack.web_url)
        return self

    def open(self) -> Widget:
        """Open the chat and wait for the greeting."""
        self.launcher.click()
        expect(self.dialog).to_be_visible()
        expect(self.bot_messages.first).to_contain_text("I'm DovvyBuddy")
        return self

    def say(self, text: str) -> list[str]:
        """Type and send a message; return the texts of the bot's answer."""
        before = self.bot_messages.count()
        self.input.fill(text)
        self.input.press("Enter")
        expect(self.typing).to_be_hidden()
        expect(self.bot_messages).not_to_have_count(before)
        return self.bot_messages.all_inner_texts()[before:]

    def sender(self) -> str:
        return self.page.evaluate("localStorage.getItem('dovvybuddy.sender')")

    def reply_with(self, status: int, body: object, times: int | None = None) -> None:
        """Answer the widget's next messages with `body` instead of asking Rasa."""

        def fulfil(route: Route) -> None:
            route.fulfill(
                status=status,
                content_type="application/json",
                body=json.dumps(body),
                headers={"Access-Control-Allow-Origin": "*"},
            )

        self.page.route(self.webhook, fulfil, times=times)


@pytest.fixture
def open_demo_page(browser: Browser, stack: LaunchedStack) -> Iterator[Callable[..., Widget]]:
    """Opens the demo page in a fresh browser context (empty storage: a new diver)."""
    widgets: list[Widget] = []

    def open_page(viewport: dict[str, int] = DESKTOP, **context_options: object) -> Widget:
        context = browser.new_context(viewport=viewport, **context_options)
        widgets.append(Widget(context.new_page(), stack).visit())
        return widgets[-1]

    yield open_page
    for widget in widgets:
        widget.page.context.close()
        assert widget.problems == []


@pytest.fixture
def widget(open_demo_page: Callable[..., Widget]) -> Widget:
    """The demo page on a desktop screen."""
    return open_demo_page()


def user_turns(stack: LaunchedStack, sender: str) -> list[str]:
    tracker = stack.api(f"/conversations/{sender}/tracker").json()
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def test_opening_the_widget_greets_the_diver_in_a_labelled_live_log(widget):
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    widget.open()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.input).to_be_focused()
    expect(widget.log).to_have_attribute("aria-live", "polite")
    assert "certifications" in widget.bot_messages.first.inner_text()
    assert "I'm a bot" in widget.say("am I talking to a real person?")[0]


def test_a_question_gets_a_grounded_answer(widget):
    widget.open()
    answer = " ".join(widget.say("What is the Open Water course?"))
    assert "Open Water" in answer
    assert "Source" in answer
    expect(widget.user_messages).to_have_text(["You: What is the Open Water course?"])


def test_a_quick_reply_sends_its_payload_shows_its_title_and_is_used_up(widget):
    # The assistant's own replies have no buttons yet, so the greeting offers
    # some here; the payload a button sends goes to the real Rasa.
    widget.reply_with(
        200,
        [
            {
                "text": "Hi! What would you like to know?",
                "buttons": [
                    {"title": "Open Water course", "payload": "What is the Open Water course?"},
                    {"title": "Say hello", "payload": "/greet"},
                ],
            }
        ],
        times=1,
    )
    widget.launcher.click()
    choice = widget.page.get_by_role("button", name="Open Water course")
    expect(choice).to_be_visible()  # the greeting's request is done
    with widget.page.expect_request(widget.webhook) as sent:
        choice.click()
    assert json.loads(sent.value.post_data)["message"] == "What is the Open Water course?"
    expect(widget.user_messages).to_have_text(["You: Open Water course"])
    expect(widget.bot_messages.nth(1)).to_contain_text("Open Water")
    expect(choice).to_be_disabled()
    expect(widget.page.get_by_role("button", name="Say hello")).to_be_disabled()


def test_a_training_enquiry_can_be_completed_in_the_widget(widget, stack):
    widget.open()
    assert "What's your name?" in widget.say("I want to learn to dive in Tioman")[-1]
    widget.say("Wendy Tan")
    widget.say("wendy.tan@example.com")
    widget.say("skip")
    assert "Which course" in widget.say("none yet")[-1]
    assert "When would you like to go?" in widget.say("open water")[-1]
    assert "Which dive centre" in widget.say("early May")[-1]
    assert "Anything else" in widget.say("any of them")[-1]
    assert "Tioman Demo Dive Centre" in widget.say("skip")[-1]
    widget.say("yes")
    # The summary's "- Email: ..." lines are shown as a list.
    expect(widget.page.locator(".message-bot li", has_text="wendy.tan@example.com")).to_be_visible()
    assert "sent your enquiry" in widget.say("yes")[-1]

    with psycopg.connect(stack.info["database_url"]) as conn:
        stored = conn.execute(
            "SELECT name FROM leads WHERE email = %s", ("wendy.tan@example.com",)
        ).fetchall()
    assert stored == [("Wendy Tan",)]


def test_new_chat_clears_the_transcript_and_starts_a_new_conversation(widget, stack):
    widget.open()
    widget.say("I want to learn to dive")
    old_sender = widget.sender()

    widget.page.get_by_role("button", name="New chat").click()
    expect(widget.user_messages).to_have_count(0)
    expect(widget.bot_messages).to_have_count(1)
    expect(widget.bot_messages.first).to_contain_text("I'm DovvyBuddy")
    assert widget.sender() not in (old_sender, None)
    expect(widget.input).to_be_focused()

    # The old conversation was restarted on the server, so it holds no user turns.
    deadline = time.monotonic() + 10
    while user_turns(stack, old_sender) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert user_turns(stack, old_sender) == []


def test_a_reload_keeps_the_transcript_and_the_conversation_goes_on(widget, stack):
    widget.open()
    assert "What's your name?" in widget.say("I want to learn to dive")[-1]
    sender = widget.sender()

    widget.page.reload()
    expect(widget.dialog).to_be_visible()  # it was open, so it opens again
    expect(widget.user_messages).to_have_text(["You: I want to learn to dive"])
    expect(widget.bot_messages.last).to_contain_text("What's your name?")
    assert "email" in widget.say("Rosa Reload")[-1]  # the form went on
    assert widget.sender() == sender
    assert user_turns(stack, sender)[-2:] == ["I want to learn to dive", "Rosa Reload"]


def test_the_chat_works_with_the_keyboard_alone(widget):
    widget.launcher.focus()
    widget.page.keyboard.press("Enter")
    expect(widget.dialog).to_be_visible()
    expect(widget.input).to_be_focused()
    widget.page.keyboard.type("first line")
    widget.page.keyboard.press("Shift+Enter")
    widget.page.keyboard.type("second line")
    expect(widget.input).to_have_value("first line\nsecond line")

    widget.page.keyboard.press("Escape")
    expect(widget.dialog).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")


def test_bot_html_is_shown_as_text_and_never_runs(widget):
    widget.reply_with(
        200,
        [
            {
                "text": '<img src=x onerror="window.pwned = 1"> <script>window.pwned = 2</script>'
                " [tap](javascript:window.pwned=3)"
            },
            {"image": "javascript:window.pwned=4"},
        ],
    )
    widget.launcher.click()
    message = widget.bot_messages.first
    expect(message).to_contain_text('<img src=x onerror="window.pwned = 1">')
    expect(message).to_contain_text("<script>window.pwned = 2</script>")
    assert message.locator("img, script, a").count() == 0
    assert widget.bot_messages.count() == 1  # the javascript: image is dropped
    assert widget.page.evaluate("window.pwned") is None


def test_markdown_becomes_safe_formatting(widget):
    widget.reply_with(
        200,
        [
            {
                "text": "**Open Water** is *your first* course.\n"
                "1. Theory\n2. Pool\n- See [PADI](https://www.padi.com/)"
            },
            {"image": "https://example.com/turtle.jpg"},
        ],
    )
    widget.launcher.click()
    message = widget.bot_messages.first
    expect(message.locator("strong")).to_have_text("Open Water")
    expect(message.locator("em")).to_have_text("your first")
    expect(message.locator("ol > li")).to_have_text(["Theory", "Pool"])
    link = message.locator("ul > li a")
    expect(link).to_have_attribute("href", "https://www.padi.com/")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")
    expect(widget.bot_messages.nth(1).locator("img")).to_have_attribute(
        "alt", "Picture from DovvyBuddy"
    )


def test_a_rate_limited_reply_asks_to_wait_and_retry_sends_again(widget):
    widget.reply_with(429, {"error": "rate_limited", "detail": "Too many."}, times=1)
    widget.launcher.click()
    expect(widget.notice).to_contain_text("You're sending messages quickly")
    widget.notice.get_by_role("button", name="Retry").click()
    expect(widget.bot_messages.first).to_contain_text("I'm DovvyBuddy")
    expect(widget.notice).to_have_count(0)


def test_the_channels_own_rate_limit_reaches_the_widget_as_the_wait_message(widget, stack):
    widget.open()
    sender = widget.sender()
    for _ in range(500):
        if stack.post({"sender": sender, "message": "/greet"}).status_code == 429:
            break
    else:
        pytest.fail("the REST channel never limited the sender")
    widget.input.fill("hello again")
    widget.input.press("Enter")
    # Not "Couldn't reach": the 429 carries CORS headers the browser accepts.
    expect(widget.notice).to_contain_text("You're sending messages quickly")


def test_an_unreachable_server_offers_a_retry_that_resends_the_message(widget):
    widget.open()
    widget.page.route(widget.webhook, lambda route: route.abort(), times=1)
    widget.input.fill("What is the Open Water course?")
    widget.input.press("Enter")
    expect(widget.notice).to_contain_text("Couldn't reach DovvyBuddy")

    widget.notice.get_by_role("button", name="Retry").click()
    expect(widget.bot_messages.nth(1)).to_contain_text("Open Water")
    expect(widget.user_messages).to_have_count(1)


def test_a_refused_message_shows_the_servers_reason_and_can_be_edited(widget):
    widget.open()
    reason = "Messages can be at most 2000 characters; this one has 2400."
    widget.reply_with(413, {"error": "message_too_long", "detail": reason}, times=1)
    widget.input.fill("a very long story")
    widget.input.press("Enter")
    expect(widget.notice).to_have_text(reason)
    expect(widget.user_messages).to_have_count(0)
    expect(widget.input).to_have_value("a very long story")


def test_the_input_is_limited_and_counts_down_near_the_limit(widget):
    widget.open()
    expect(widget.input).to_have_attribute("maxlength", "2000")
    counter = widget.page.locator(".counter")
    widget.input.fill("a" * 100)
    expect(counter).to_be_hidden()
    widget.input.fill("a" * 1900)
    expect(counter).to_have_text("1900 / 2000 characters")


def test_reduced_motion_turns_the_animations_off(open_demo_page):
    widget = open_demo_page(reduced_motion="reduce").open()
    animations = "element => getComputedStyle(element).animationName"
    assert widget.page.locator(".dots span").first.evaluate(animations) == "none"
    assert widget.dialog.evaluate(animations) == "none"


def test_on_a_small_phone_the_chat_fills_the_screen(open_demo_page):
    widget = open_demo_page({"width": 360, "height": 640}).open()
    widget.dialog.evaluate("panel => Promise.all(panel.getAnimations().map(a => a.finished))")
    assert widget.dialog.bounding_box() == {"x": 0, "y": 0, "width": 360, "height": 640}
    expect(widget.launcher).to_be_hidden()
    fits = "element => element.scrollWidth <= element.clientWidth"
    assert widget.dialog.evaluate(fits)
    assert widget.log.evaluate(fits)


def test_site_suggestions_are_a_readable_list_on_a_phone(open_demo_page):
    widget = open_demo_page(PHONE, device_scale_factor=2).open()
    assert "certification level" in widget.say("Can you recommend dive sites in Tioman?")[-1]
    suggestions = widget.say("I'm Open Water with about 10 dives")[-1]
    assert "For your level (Open Water)" in suggestions
    expect(widget.bot_messages.last.locator("ul > li").first).to_be_visible()
    assert widget.log.evaluate("element => element.scrollWidth <= element.clientWidth")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    widget.page.screenshot(path=SCREENSHOT)


def test_a_server_still_starting_shows_a_notice_and_sends_the_message_by_itself(widget):
    widget.open()
    widget.reply_with(
        503,
        {"error": "starting_up", "detail": "starting", "retry_after": 1, "ready": False},
        times=1,
    )
    widget.input.fill("What is the Open Water course?")
    widget.input.press("Enter")
    expect(widget.notice).to_contain_text("starting up, one moment")
    # No click: the widget retries after retry_after seconds and the answer comes.
    expect(widget.bot_messages.nth(1)).to_contain_text("Open Water")
    expect(widget.notice).to_have_count(0)
    expect(widget.user_messages).to_have_count(1)


AXE = PROJECT_ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.x A and AA, best practices)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make browser-packages` (npm ci in tests/browser)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]],
        }
        for v in result["violations"]
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_demo_page_has_no_accessibility_violations_closed_or_open(open_demo_page, viewport):
    # The page's Content-Security-Policy would refuse the injected checker.
    widget = open_demo_page(viewport, bypass_csp=True)
    assert axe_violations(widget.page) == []
    widget.open()
    widget.say("What is the Open Water course?")
    assert axe_violations(widget.page) == []


def press_until_focused(page: Page, key: str, target, presses: int = 15) -> None:
    for _ in range(presses):
        page.keyboard.press(key)
        if target.evaluate("element => element.matches(':focus')"):
            return
    pytest.fail(f"{key} never reached {target}")


def test_the_widget_works_with_the_keyboard_alone(widget):
    widget.reply_with(
        200,
        [
            {
                "text": "Hi! What would you like to know?",
                "buttons": [{"title": "Open Water course", "payload": "What is Open Water?"}],
            }
        ],
        times=1,
    )
    page = widget.page
    press_until_focused(page, "Tab", widget.launcher)
    page.keyboard.press("Enter")  # open
    expect(widget.dialog).to_be_visible()
    expect(widget.input).to_be_focused()
    choice = page.get_by_role("button", name="Open Water course")
    expect(choice).to_be_visible()

    press_until_focused(page, "Shift+Tab", choice)  # pick the bot's button
    with page.expect_request(widget.webhook):
        page.keyboard.press("Enter")
    expect(widget.bot_messages.nth(1)).to_contain_text("Open Water")

    widget.input.focus()
    page.keyboard.type("Is Tioman good for beginners?")
    before = widget.bot_messages.count()
    page.keyboard.press("Enter")  # send
    expect(widget.bot_messages).not_to_have_count(before)
    expect(widget.user_messages.last).to_contain_text("Is Tioman good for beginners?")

    page.keyboard.press("Escape")  # close
    expect(widget.dialog).to_be_hidden()
    expect(widget.launcher).to_be_focused()
