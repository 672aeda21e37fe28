"""Which entities a message keeps: levels by phrase rules, no entity inside a longer one.

Plain dictionaries in Rasa's entity format, no Rasa import: the pipeline
component in nlu/certification_level_extractor.py applies it, and tests run
it in either environment.
"""

from __future__ import annotations

from typing import Any

from dovvybuddy.knowledge import certification_levels

EXTRACTOR = "CertificationLevelExtractor"  # the component's class name, as Rasa reports it
ENTITY = "certification_level"


def _span(entity: dict[str, Any]) -> tuple[int, int]:
    # An entity without a position overlaps nothing.
    return entity.get("start", -1), entity.get("end", -1)


def _overlaps(entity: dict[str, Any], start: int, end: int) -> bool:
    entity_start, entity_end = _span(entity)
    return entity_start < end and start < entity_end


def _inside_longer(entity: dict[str, Any], entities: list[dict[str, Any]]) -> bool:
    """Whether another entity of the same type covers this one's span and more."""
    start, end = _span(entity)
    return any(
        other is not entity
        and other.get("entity") == entity.get("entity")
        and _span(other)[0] <= start
        and end <= _span(other)[1]
        and _span(other)[1] - _span(other)[0] > end - start
        for other in entities
    )


def resolve_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The message's entities with levels from the phrase rules and no nested duplicates."""
    mentions = certification_levels.level_mentions(text)
    # The classifier's level entities stay only where the rules found nothing
    # and only when their value is a level ("2" from "2 star" is not).
    kept = [
        e
        for e in entities
        if e.get("entity") != ENTITY
        or (
            e.get("value") in certification_levels.LEVEL_PATTERNS
            and not any(_overlaps(e, m.start, m.end) for m in mentions)
        )
    ]
    kept += [
        {
            "entity": ENTITY,
            "start": m.start,
            "end": m.end,
            "value": m.level,
            "confidence_entity": 1.0,
            "extractor": EXTRACTOR,
        }
        for m in mentions
        if not m.negated
    ]
    return sorted((e for e in kept if not _inside_longer(e, kept)), key=lambda e: _span(e)[0])
