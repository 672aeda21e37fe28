"""The answering action (for now: an honest 'I did not understand')."""

from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import ActionAnswerQuestion


async def test_unclear_message_gets_an_honest_reply_and_the_list_of_topics(make_tracker, domain):
    dispatcher = CollectingDispatcher()

    events = await ActionAnswerQuestion().run(dispatcher, make_tracker("qwzx plorf"), domain)

    assert events == []
    assert [message["response"] for message in dispatcher.messages] == [
        "utter_did_not_understand",
        "utter_capabilities",
    ]


def test_every_response_the_action_sends_exists_in_the_domain(domain):
    for response in ("utter_did_not_understand", "utter_capabilities"):
        assert domain["responses"][response][0]["text"]
