"""First conversations over the REST channel, answered by the real stack."""

import psycopg
import pytest

pytestmark = pytest.mark.e2e


def test_greeting_introduces_dovvybuddy(stack, sender):
    replies = stack.say(sender, "hello")
    assert len(replies) == 1
    assert "DovvyBuddy" in replies[0]
    assert "certifications" in replies[0]


def test_bot_challenge_is_answered_honestly(stack, sender):
    assert "I'm a bot" in stack.say(sender, "am I talking to a real person?")[0]


def test_bot_challenge_says_it_is_automated_and_offers_a_person_at_a_dive_centre(stack, sender):
    reply = stack.say(sender, "is a human typing these answers or some AI model?")[0]
    assert "not a person" in reply
    assert "dive centre" in reply


def test_a_greeting_thanks_and_goodbye_in_other_languages_are_answered_in_kind(stack, sender):
    assert "DovvyBuddy" in stack.say(sender, "selamat petang")[0]
    assert "welcome" in stack.say(sender, "muchas gracias")[0]
    assert "Bye" in stack.say(sender, "auf wiedersehen")[0]


def test_a_question_in_another_language_gets_a_polite_reply_in_english(stack, sender):
    reply = " ".join(stack.say(sender, "Combien coûte un baptême de plongée à Redang ?"))
    assert "answer in English" in reply
    assert "If this is happening to you or someone now:" in reply


def test_an_emergency_in_another_language_still_gets_the_emergency_script(stack, sender):
    reply = " ".join(stack.say(sender, "tolong! kawan saya tidak bernafas"))
    assert "This sounds like a diving emergency" in reply


def test_thanks_and_goodbye(stack, sender):
    assert "welcome" in stack.say(sender, "thanks a lot")[0]
    assert "Bye" in stack.say(sender, "ok bye")[0]


def test_out_of_scope_is_declined_with_what_dovvybuddy_covers(stack, sender):
    replies = stack.say(sender, "what's the weather in Paris tomorrow")
    assert "outside what I can help with" in replies[0]
    assert "Tioman" in replies[1]


def test_restart_clears_the_conversation(stack, sender):
    stack.say(sender, "hi")
    assert "Fresh start" in stack.say(sender, "/restart")[0]

    tracker = stack.api(f"/conversations/{sender}/tracker").json()
    assert [e for e in tracker["events"] if e["event"] == "user"] == []


def test_conversation_is_stored_in_postgres_and_readable_through_the_api(stack, sender):
    stack.say(sender, "hey there")
    stack.say(sender, "are you a bot?")

    tracker = stack.api(f"/conversations/{sender}/tracker").json()
    user_texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert user_texts == ["hey there", "are you a bot?"]

    with psycopg.connect(stack.info["database_url"]) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM events WHERE sender_id = %s AND type_name = 'user'",
            (sender,),
        ).fetchone()[0]
    assert stored == 2


def test_the_http_api_needs_the_token(stack):
    reply = stack.session.get(f"{stack.rasa_url}/status", timeout=10)
    assert reply.status_code == 401
    assert stack.api("/status").status_code == 200


def test_a_message_nobody_could_understand_gets_an_honest_answer(stack, sender):
    replies = stack.say(sender, "qwzx plorf vvvt")
    assert "didn't quite understand" in replies[0]
    assert "Here's what I can help with" in replies[1]


def test_an_emergency_gets_guidance_first(stack, sender):
    replies = stack.say(sender, "help my buddy came up too fast and is confused now")
    assert replies[0].startswith("This sounds like a diving emergency")
    assert "112" in replies[0]


def test_a_knowledge_question_gets_a_grounded_answer_with_its_source(stack, sender):
    replies = stack.say(sender, "how long does the open water course usually take?")
    assert len(replies) == 1
    assert "Source: Open Water Diver" in replies[0]


def test_an_uncovered_destination_is_not_described(stack, sender):
    replies = stack.say(sender, "what is diving in Bali like?")
    assert replies[0].startswith("I don't cover Bali yet")
    assert "Tioman" in replies[0]


def test_a_question_the_guides_do_not_cover_gets_an_honest_reply(stack, sender):
    replies = stack.say(sender, "how do I set up a sidemount rig")
    assert replies[0].startswith("I don't have that in my guides")


def test_site_suggestions_ask_the_level_once_then_fit_it(stack, sender):
    first = stack.say(sender, "can you recommend some dive sites in tioman?")
    assert "certification level" in first[0]
    suggestions = stack.say(sender, "I'm open water with about 10 dives")[0]
    assert "For your level (Open Water), these sites in Tioman fit well:" in suggestions
    assert suggestions.endswith("confirm with your dive operator.")


def test_a_fear_is_acknowledged_answered_and_followed_up(stack, sender):
    replies = stack.say(sender, "honestly I'm scared of running out of air down there")
    assert len(replies) == 3
    assert "common feeling" in replies[0]
    assert "Source:" in replies[1]
    assert "instructor" in replies[2]
