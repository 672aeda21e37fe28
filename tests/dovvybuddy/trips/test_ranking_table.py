"""Trip ranking on a table of diver situations, each expectation taken from the sources.

Every row says what a diver asked (month, level, interests, days, origin),
which destinations the season data's sources make the right first answer,
and the words the first reason must contain. The `why` of each row is the
fact from the sources (the overview and site files' `sources`) that decides
it, so a change in the scoring that contradicts a source fails here.

Facts used (knowledge/destinations/*/overview.md):
- East coast (Tioman, Perhentian, Redang): north-east monsoon from about
  November to February; the Perhentians fully closed November to January,
  a few resorts in February; Redang closed November to February and only
  starting in March; Tioman's edges (February) go either way.
- Sipadan area: no monsoon, Mabul and Kapalai dive all year; Sipadan island
  closes every December (Sabah Parks, 2019) and its walls need Advanced Open
  Water and a permit booked ahead.
- Travel: Tioman about 4-5 h from Singapore and 7-8 h from Kuala Lumpur;
  the Perhentians and Redang 3-4 h from Kuala Lumpur by air; the Sipadan area
  5-7 h from Kuala Lumpur, 3-4 h from Kota Kinabalu.
- Sites: beginner turtle sites at D'Lagoon (Perhentian), Pulau Paku (Redang),
  Eel Garden and Paradise 1 (Mabul); blacktip sharks at Shark Point
  (Perhentian) and Pulau Kerengga (Redang); wrecks at the Perhentians (Sugar
  Wreck for Open Water from outside, Vietnamese Wreck) and Soyak (Tioman);
  walls, big schools and drift at Sipadan; macro and muck at Mabul and Kapalai.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from dovvybuddy.trips.ranking import rank, recommended
from dovvybuddy.trips.replies import reason_line
from dovvybuddy.trips.request import TripRequest
from dovvybuddy.trips.seasons import trip_data

EAST = ("tioman", "perhentian", "redang")


@dataclass(frozen=True)
class Situation:
    why: str
    top: tuple[str, ...]
    reason: str
    month: int | None = None
    level: str | None = None
    beginner: bool = False
    never_dived: bool = False
    interests: tuple[str, ...] = ()
    days: int | None = None
    origin: str | None = None
    not_top: tuple[str, ...] = ()

    def request(self) -> TripRequest:
        return TripRequest(
            month=self.month,
            days=self.days,
            interests=self.interests,
            level=self.level,
            beginner=self.beginner,
            never_dived=self.never_dived,
            origin=self.origin,
        )


AOW, OW, DM, RESCUE = "advanced_open_water", "open_water", "divemaster", "rescue"

TABLE = [
    # The monsoon: in the closed months only the Sipadan area is offered.
    Situation("east coast closed in December", ("sipadan",), "December", 12, AOW),
    Situation("east coast closed in December; Mabul open", ("sipadan",), "December", 12, OW),
    Situation("east coast closed in January", ("sipadan",), "in season in January", 1, AOW),
    Situation(
        "Mabul turtles in January", ("sipadan",), "turtles at", 1, OW, interests=("turtles",)
    ),
    Situation(
        "only Sipadan area open in November",
        ("sipadan",),
        "November",
        11,
        AOW,
        interests=("sharks",),
    ),
    Situation(
        "beginner in December: Mabul and Kapalai", ("sipadan",), "December", 12, beginner=True
    ),
    Situation(
        "never dived, December: try dives at Mabul", ("sipadan",), "December", 12, never_dived=True
    ),
    Situation(
        "February: Redang closed, others at the edge; Sipadan at its best",
        ("sipadan",),
        "February",
        2,
        AOW,
    ),
    Situation("February, Open Water", ("sipadan",), "February", 2, OW),
    Situation(
        "February, 3 days from Singapore: Tioman only partly open",
        ("sipadan",),
        "February",
        2,
        AOW,
        days=3,
        origin="singapore",
    ),
    Situation(
        "January macro: Mabul and Kapalai",
        ("sipadan",),
        "macro life at",
        1,
        OW,
        interests=("macro",),
    ),
    Situation(
        "November wall: only Sipadan area open",
        ("sipadan",),
        "November",
        11,
        DM,
        interests=("wall",),
    ),
    # In season, big animals and walls: Sipadan for Advanced divers.
    Situation(
        "Sipadan's walls and schools for Advanced",
        ("sipadan",),
        "sharks at",
        7,
        AOW,
        interests=("sharks", "schooling-fish"),
        days=7,
    ),
    Situation("Advanced, 4 days in August", ("sipadan",), "in season in August", 8, AOW, days=4),
    Situation(
        "drift at Barracuda Point and South Point",
        ("sipadan",),
        "drift dives at",
        9,
        AOW,
        interests=("drift",),
    ),
    Situation("walls at Sipadan", ("sipadan",), "wall dives at", 6, AOW, interests=("wall",)),
    Situation(
        "schooling fish from Kota Kinabalu",
        ("sipadan",),
        "Kota Kinabalu",
        3,
        AOW,
        interests=("schooling-fish",),
        origin="kota_kinabalu",
    ),
    Situation("divemaster, 10 days in May", ("sipadan",), "in season in May", 5, DM, days=10),
    Situation(
        "rescue diver wanting current in August",
        ("sipadan",),
        "drift dives at",
        8,
        RESCUE,
        interests=("drift",),
    ),
    Situation(
        "Advanced, turtles on the walls",
        ("sipadan",),
        "turtles at",
        4,
        AOW,
        interests=("turtles",),
        days=6,
    ),
    Situation(
        "Advanced from Kota Kinabalu, 4 days",
        ("sipadan",),
        "Kota Kinabalu",
        10,
        AOW,
        days=4,
        origin="kota_kinabalu",
    ),
    # Beginners in season: the east coast's calm sites, close to Kuala Lumpur.
    Situation(
        "beginner turtles in June",
        ("redang", "perhentian"),
        "turtles at",
        6,
        beginner=True,
        interests=("turtles",),
        not_top=("sipadan",),
    ),
    Situation(
        "Open Water turtles in May",
        ("redang", "perhentian"),
        "turtles at",
        5,
        OW,
        interests=("turtles",),
    ),
    Situation(
        "beginner, calm water in July",
        ("redang", "perhentian", "tioman"),
        "in season in July",
        7,
        beginner=True,
        interests=("beginner-friendly",),
        not_top=("sipadan",),
    ),
    Situation(
        "never dived, July", EAST, "in season in July", 7, never_dived=True, not_top=("sipadan",)
    ),
    Situation(
        "never dived, April", EAST, "in season in April", 4, never_dived=True, not_top=("sipadan",)
    ),
    Situation(
        "Open Water, blacktip sharks in May",
        ("perhentian", "redang"),
        "sharks at",
        5,
        OW,
        interests=("sharks",),
    ),
    Situation(
        "Open Water wreck: Sugar Wreck from outside",
        ("perhentian",),
        "a wreck at Sugar Wreck",
        8,
        OW,
        interests=("wreck",),
        days=3,
    ),
    Situation(
        "Advanced wrecks: Sugar and Vietnamese wrecks",
        ("perhentian",),
        "a wreck at",
        6,
        AOW,
        interests=("wreck",),
    ),
    Situation(
        "Open Water, weekend from Kuala Lumpur",
        ("redang", "perhentian"),
        "Kuala Lumpur",
        4,
        OW,
        days=2,
        not_top=("sipadan", "tioman"),
    ),
    Situation(
        "beginner, 3 days in September",
        ("redang", "perhentian"),
        "in season in September",
        9,
        beginner=True,
        days=3,
        not_top=("sipadan",),
    ),
    Situation(
        "Open Water, one week in June",
        EAST,
        "in season in June",
        6,
        OW,
        days=7,
        not_top=("sipadan",),
    ),
    # From Singapore the nearest in season is Tioman.
    Situation(
        "Singapore, long weekend in June",
        ("tioman",),
        "Singapore",
        6,
        OW,
        days=3,
        origin="singapore",
    ),
    Situation("Singapore, October", ("tioman",), "Singapore", 10, OW, origin="singapore"),
    Situation(
        "Singapore, beginner in April",
        ("tioman",),
        "Singapore",
        4,
        beginner=True,
        days=4,
        origin="singapore",
    ),
    Situation(
        "Singapore in March: Tioman open, Redang only starting",
        ("tioman",),
        "in season in March",
        3,
        OW,
        days=3,
        origin="singapore",
    ),
    # Macro: Mabul and Kapalai are the muck sites.
    Situation(
        "Open Water macro in October", ("sipadan",), "macro life at", 10, OW, interests=("macro",)
    ),
    Situation(
        "Advanced macro in July",
        ("sipadan",),
        "macro life at",
        7,
        AOW,
        interests=("macro",),
        days=7,
    ),
    # The edges of the season.
    Situation(
        "March: Redang only partly open",
        ("tioman", "perhentian", "sipadan"),
        "March",
        3,
        OW,
        not_top=("redang",),
    ),
    Situation(
        "October: the east coast's last month",
        ("redang", "perhentian", "sipadan"),
        "October",
        10,
        AOW,
    ),
    Situation(
        "Advanced, short weekend in July from Kuala Lumpur",
        ("redang", "perhentian"),
        "Kuala Lumpur",
        7,
        AOW,
        days=2,
        not_top=("sipadan",),
    ),
    Situation(
        "Open Water, no month known: in season",
        ("redang", "perhentian"),
        "in season from",
        None,
        OW,
        not_top=("sipadan",),
    ),
]


def test_the_table_has_at_least_40_situations():
    assert len(TABLE) >= 40


@pytest.mark.parametrize("situation", TABLE, ids=[s.why for s in TABLE])
def test_the_first_destination_and_its_reason_follow_the_sources(situation):
    request = situation.request()
    top = recommended(rank(trip_data(), request))
    assert top, "nothing recommended"
    assert top[0].destination in situation.top, [(m.destination, m.score) for m in top]
    assert top[0].destination not in situation.not_top
    assert re.search(situation.reason, reason_line(top[0], request)), reason_line(top[0], request)


@pytest.mark.parametrize("situation", [s for s in TABLE if s.month in (11, 12, 1)])
def test_a_closed_east_coast_island_is_never_recommended(situation):
    top = recommended(rank(trip_data(), situation.request()))
    assert not {m.destination for m in top} & set(EAST)
