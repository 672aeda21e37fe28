"""Other languages: social phrases are understood, the rest gets "I answer in English"."""

import pytest

from nlu.languages import (
    NEXT_GUESS,
    NON_ENGLISH_INTENT,
    foreign_language,
    relabel,
    social_intent,
)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Selamat petang semua!", "greet"),
        ("halo kak", "greet"),
        ("Assalamualaikum", "greet"),
        ("Nǐ hǎo", "greet"),
        ("您好", "greet"),
        ("¡Buenas noches!", "greet"),
        ("Bonsoir à tous", "greet"),
        ("Grüß Gott", "greet"),
        ("heyyyy dovvy", "greet"),
        ("wei, ni hao a", "greet"),
        ("Terima kasih banyak-banyak", "thanks"),
        ("makasih ya", "thanks"),
        ("Xièxie!", "thanks"),
        ("Muchas gracias amigo", "thanks"),
        ("Merci bien", "thanks"),
        ("Vielen Dank!", "thanks"),
        ("ok thanks, jumpa lagi", "goodbye"),
        ("Zàijiàn", "goodbye"),
        ("hasta luego", "goodbye"),
        ("À bientôt", "goodbye"),
        ("Auf Wiedersehen", "goodbye"),
    ],
)
def test_a_whole_message_greeting_thanks_or_goodbye_in_any_language_is_recognised(text, intent):
    assert social_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "hi, what's the best site in Tioman?",
        "thanks, and how deep is Barracuda Point?",
        "hola, how much is the open water course",
        "selamat pagi, saya mahu belajar menyelam",
        "bye the way is Redang good in March",
        "",
    ],
)
def test_a_greeting_with_a_question_is_not_only_a_greeting(text):
    assert social_intent(text) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Berapa lama kursus menyelam untuk pemula?", "Malay or Indonesian"),
        ("apakah saya perlu bisa berenang dulu", "Malay or Indonesian"),
        ("¿Cuál es la mejor época para bucear en Redang?", "Spanish"),
        ("Est-ce que je peux plonger sans savoir nager ?", "French"),
        ("Wie tief darf ich mit dem Open Water Schein tauchen?", "German"),
        ("wo xiang zhidao qianshui kecheng zenme baoming", "Chinese (pinyin)"),
        ("潜水执照多少钱", "another script"),
        ("Ist das Wasser in Tioman im August kalt?", "German"),
        ("nali keyi kan dao haigui", "Chinese (pinyin)"),
        ("ดำน้ำที่ไหนดี", "another script"),
    ],
)
def test_a_message_in_another_language_is_recognised(text, language):
    assert foreign_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "how do I get to Pulau Perhentian Kecil from Kuala Besut jetty?",
        "is Teluk Dalam in Redang good for turtles",
        "can I do the Open Water course in Tioman in de Monsoon",
        "what's the difference between PADI and SSI",
        "la la land of turtles, Sipadan is amazing",
        "I'm a CMAS 2 star diver, is that advanced?",
        "Ich bin Advanced Open Water, 40 dives, what sites in Sipadan suit me?",
        "ok",
        "im worried ill panic, dont know if i can do it",
    ],
)
def test_english_with_place_names_or_a_stray_foreign_word_stays_english(text):
    assert foreign_language(text) is None


def test_a_foreign_question_the_classifier_guessed_at_gets_the_english_only_reply():
    assert relabel("quanto costa un corso di immersione?", "ask_certification", 0.7) == (
        NON_ENGLISH_INTENT
    )
    assert relabel("berapa harga kursus selam", "nlu_fallback", 0.3) == NON_ENGLISH_INTENT


def test_a_foreign_lead_request_or_safety_intent_the_classifier_is_sure_of_is_kept():
    assert relabel("saya mahu daftar kursus open water", "request_training_lead", 0.9) is None
    assert relabel("tolong, kawan saya tidak bernafas", "emergency", 1.0) is None


def test_a_foreign_social_phrase_replaces_the_classifiers_guess():
    assert relabel("buenas tardes", "out_of_scope", 0.8) == "greet"
    assert relabel("danke schön", "nlu_fallback", 0.2) == "thanks"
    assert relabel("hello", "greet", 0.99) is None


def test_the_classifiers_non_english_guess_on_english_text_gives_way():
    assert relabel("what do I need to bring for a dive trip", NON_ENGLISH_INTENT, 0.7) == (
        NEXT_GUESS
    )


def test_a_longer_foreign_message_the_classifier_calls_a_greeting_is_not_one():
    assert relabel("ni hao, zheli de qianshui kecheng duoshao qian", "greet", 0.9) == (
        NON_ENGLISH_INTENT
    )
    assert relabel("ribuan terima kasih", "thanks", 0.9) is None
