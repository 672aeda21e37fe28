"""Places in a diver's message: covered, uncovered, an origin, or not a place at all."""

import pytest

from dovvybuddy.knowledge.places import (
    PlaceKind,
    classify_place_name,
    classify_places,
    covered_destination_in,
    in_diving_history,
    uncovered_place_in,
)

COVERED, UNCOVERED, ORIGIN = PlaceKind.COVERED, PlaceKind.UNCOVERED, PlaceKind.ORIGIN


def kinds(text):
    return [(m.text, m.kind) for m in classify_places(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("where should I dive in Tioman?", [("Tioman", COVERED)]),
        ("is perhentian good for beginners", [("perhentian", COVERED)]),
        ("pulau redang in july, vis ok?", [("pulau redang", COVERED)]),
        ("Mabul muck diving, worth it?", [("Mabul", COVERED)]),
        ("how are the currents at Barracuda Point", [("Barracuda Point", COVERED)]),
        ("sharks at Tiger Reef?", [("Tiger Reef", COVERED)]),
        ("vietnam wreck depth?", [("vietnam wreck", COVERED)]),
        ("barracuda point currents", [("barracuda point", COVERED)]),
        ("tiomen in march??", [("tiomen", COVERED)]),
        ("best diving in malaysia for a newbie", [("malaysia", COVERED)]),
        ("is Sabah worth it in november", [("Sabah", COVERED)]),
    ],
)
def test_covered_destinations_and_sites_are_covered(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("best dive sites in Palau", "Palau"),
        ("where can I dive around Koh Tao", "Koh Tao"),
        ("what about ko tao?", "Koh Tao"),
        ("I want to dive Raja Ampat, can you connect me?", "Raja Ampat"),
        ("Can I dive the Great Barrier Reef with you?", "Great Barrier Reef"),
        ("do you cover the Similans", "Similan Islands"),
        ("thinking about the maldives in feb", "Maldives"),
        ("dive in the red sea", "Red Sea"),
        ("Cozumel drift dives?", "Cozumel"),
        ("galápagos hammerheads season", "Galapagos"),
        ("is Nusa Penida good for mantas", "Nusa Penida"),
        ("tulamben liberty wreck depth", "Tulamben"),
        ("book me a liveaboard to Tubbataha", "Tubbataha"),
        ("lembeh strait critters", "Lembeh"),
        ("Dahab blue hole for beginners?", "Dahab"),
        ("layang-layang hammerheads", "Layang-Layang"),
        ("layang layang season", "Layang-Layang"),
        ("what about Lankayan?", "Lankayan"),
        ("pulau aur and dayang trip", "Pulau Aur"),
        ("Tenggol island any good", "Tenggol"),
        ("pulau payar snorkelling", "Pulau Payar"),
        ("Lang Tengah turtles", "Lang Tengah"),
        ("how's the Miri reef diving", "Miri"),
        ("can you connect me with a dive shop in Cebu", "Cebu"),
        ("I want to learn to dive in Thailand", "Thailand"),
        ("diving in Egypt in winter", "Egypt"),
        ("best dive sites in Barcelona", "Barcelona"),
        ("what's the vis like at Male atoll", "Maldives"),
        ("Cocos island sharks", "Cocos Island"),
        ("Puerto Galera vs Anilao?", "Puerto Galera"),
        ("I'll be in Bali next month, any good dives?", "Bali"),
        ("hw abt diving in thailand", "Thailand"),
        ("in dubai any diving", "Dubai"),
        ("philipines diving any good", "Philippines"),
        ("sardine run south africa", "South Africa"),
        ("caribbean wrecks for a newbie", "Caribbean"),
        ("Did you ever look at diving in Komodo?", "Komodo"),
        ("suggest dive spots in cebu", "Cebu"),  # typed in lower case, as in chat
    ],
)
def test_uncovered_dive_destinations_are_recognised(text, place):
    assert uncovered_place_in(classify_places(text)) == place


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("I'll be in Kota Kinabalu, how far is Sipadan?", "Kota Kinabalu"),
        ("how do I get from KL to Redang", "KL"),
        ("how do i get from kl to redang", "kl"),
        ("KLIA to Mersing by bus?", "KLIA"),
        ("is there a direct flight from Singapore to Tioman", "Singapore"),
        ("we are in Singapore, closest island to dive?", "Singapore"),
        ("i'm in penang, how to get to perhentian", "penang"),
        ("how long is the speedboat from Kuala Besut", "Kuala Besut"),
        ("ferry from Tanjung Gemok or Mersing?", "Tanjung Gemok"),
        ("Merang jetty to Redang how long", "Merang jetty"),
        ("taxi from Tawau airport to Semporna", "Tawau airport"),
        ("is Phuket airport far from Khao Lak", "Phuket"),
        ("flying from Bali to Sipadan", "Bali"),
        ("I did my open water in Koh Tao, can I dive Tiger Reef?", "Koh Tao"),
        ("I got certified in Dahab last year", "Dahab"),
        ("only did a try dive in Bali once", "Bali"),
        ("did 20 dives in the Red Sea", "Red Sea"),
        ("I live in Berlin and want to dive Tioman", "Berlin"),
        ("I'm from Germany, what course should I take?", "Germany"),
        ("hi from Jakarta!", "Jakarta"),
        ("I'll be in Bangkok for work, what course can I do?", "Bangkok"),
        ("we fly into Denpasar then want to dive Sipadan", "Denpasar"),
        ("I was born in Sydney, best sites in Redang?", "Sydney"),
        ("is it safe to dive after flying from London", "London"),
        ("my buddy is from Chad, can he join?", "Chad"),
    ],
)
def test_origins_and_transit_points_are_never_uncovered(text, origin):
    mentions = classify_places(text)
    assert (origin, ORIGIN) in [(m.text, m.kind) for m in mentions]
    assert uncovered_place_in(mentions) is None


@pytest.mark.parametrize(
    "text",
    [
        "is the Napoleon wrasse common there?",
        "I saw a Manta at the cleaning station",
        "Nice! what about night dives?",
        "Split fins or paddle fins?",
        "Reading about the bends, what are the symptoms",
        "Bath water warm, do I need a 5 mm?",
        "Date of my trip is in May",
        "Of course, I'd love that",
        "I'm a male diver, 45, ok to dive?",
        "Male divers need bigger BCDs?",
        "any turtles in Delta?",
        "Hi, I'm Sofia",
        "I talked to George about it",
        "planning a family reunion, any dive spots?",
        "wearing a jersey under the wetsuit?",
        "Can I take the course in English?",
        "how deep can an open water diver go",
        "what's a Bumphead parrotfish",
        "I want to see Nemo",
        "Best time of year?",
        "Mobile phone in a dry bag ok?",
        "is Victoria a good instructor name lol",
        "what is a drop off",
        "where do I drop off my gear",
        "South wind today, will it be choppy",
        "i'm in kk mode today haha",
        "Can I dive in March?",
        "Going to Jordan's party after the dive",
        "is it ok to dive in the morning after drinking",
        "in case of a leaking mask what do i do",
        "i want to dive in order to see turtles",
        "I'm turkey lover lol",
    ],
)
def test_ordinary_words_are_not_places(text):
    assert [m for m in classify_places(text) if m.kind is not COVERED] == []


def test_a_covered_destination_beside_an_uncovered_one_is_not_refused():
    mentions = classify_places("is Bali better than Tioman")
    assert [m.kind for m in mentions] == [UNCOVERED, COVERED]
    assert uncovered_place_in(mentions) is None


@pytest.mark.parametrize(
    ("text", "destination"),
    [
        ("best sites near Semporna for macro", "sipadan"),
        ("how long is the ferry from Mersing", "tioman"),
        ("how do I get from KL to Redang", "redang"),
        ("Sipadan from Tawau", "sipadan"),
        ("diving in Malaysia", None),
    ],
)
def test_a_jetty_or_airport_leads_to_its_destination(text, destination):
    assert covered_destination_in(classify_places(text)) == destination


@pytest.mark.parametrize(
    ("answer", "kind", "destination"),
    [
        ("redang please", COVERED, "redang"),
        ("Mabul", COVERED, "sipadan"),
        ("semporna", ORIGIN, "sipadan"),
        ("raja ampat", UNCOVERED, None),
        ("bangkok", UNCOVERED, None),
        ("not sure yet", PlaceKind.NOT_A_PLACE, None),
        ("Early May", PlaceKind.NOT_A_PLACE, None),
        ("napoleon", PlaceKind.NOT_A_PLACE, None),
    ],
)
def test_an_answer_to_where_is_read_as_a_place(answer, kind, destination):
    place = classify_place_name(answer)
    assert (place.kind, place.destination) == (kind, destination)


@pytest.mark.parametrize(
    "text",
    [
        "whats the DAN Europe phone number, im german",
        "is PADI Asia Pacific the office for Malaysia",
    ],
)
def test_an_organisations_regional_office_is_not_a_place(text):
    assert uncovered_place_in(classify_places(text)) is None


@pytest.mark.parametrize(
    ("text", "history"),
    [
        ("AOW, 60 dives, mostly in Thailand", True),
        ("did my open water in Koh Tao last year", True),
        ("learnt to dive in Egypt", True),
        ("thinking of Bali next", False),
        ("what is diving like in Bali", False),
        ("dived in Bali, want to go to Komodo next", False),  # Komodo is the wish
    ],
)
def test_a_place_named_as_where_the_diver_dived_is_their_history(text, history):
    mention = classify_places(text)[-1]
    assert in_diving_history(text, mention) is history


@pytest.mark.parametrize("text", ["what is diving in Koh Tao like", "how are the dives in Bali"])
def test_a_question_about_diving_somewhere_is_not_history(text):
    assert not in_diving_history(text, classify_places(text)[-1])
