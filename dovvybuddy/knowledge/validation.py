"""Checking the curated knowledge base against the rules in knowledge/README.md.

`validate_documents` turns parsed documents into a list of problems, one
readable line each, starting with the document's path. Run the module to
check a knowledge folder from the command line (`make validate-knowledge`):

    python -m dovvybuddy.knowledge.validation [--root DIR]

The rules themselves are `dovvybuddy.knowledge.schema`.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from dovvybuddy.knowledge.documents import (
    KNOWLEDGE_DIR,
    Document,
    KnowledgeError,
    knowledge_files,
    parse_document,
)
from dovvybuddy.knowledge.freshness import StaleFact, stale_facts
from dovvybuddy.knowledge.places_validation import place_file_problems
from dovvybuddy.knowledge.schema import (
    ALLOWED_FIELDS,
    CERTIFICATION_DEPTH_LIMITS_M,
    COMMON_FIELDS,
    DEPTH_MENTION,
    OVERHEAD_HAZARDS,
    RESTRICTIONS,
    SCHEMAS,
    FieldRule,
)
from dovvybuddy.knowledge.vocabulary import (
    DESTINATIONS,
)


def _field_problems(meta: dict[str, Any], rules: dict[str, FieldRule]) -> list[str]:
    problems: list[str] = []
    for name, rule in rules.items():
        if name in meta:
            problems.extend(rule.check(name, meta[name]))
        elif rule.required:
            problems.append(f"missing required field {name!r}")
    return problems


def _is_at(path: str, location: str) -> bool:
    """Whether `path` matches the whole of `location`, not only its last parts."""
    relative = PurePosixPath(path)
    return len(relative.parts) == len(PurePosixPath(location).parts) and relative.match(location)


def _is_valid(meta: dict[str, Any], rules: dict[str, FieldRule], name: str) -> bool:
    return name in meta and not rules[name].check(name, meta[name])


def _location_problems(document: Document) -> list[str]:
    location = SCHEMAS[document.kind].location
    if not _is_at(document.path, location):
        return [f"a {document.kind} document belongs at {location}"]
    if document.kind in ("destination", "dive_site") and document.destination in DESTINATIONS:
        folder = PurePosixPath(document.path).parts[1]
        if document.destination != folder:
            return [f"destination {document.destination!r} does not match its folder {folder!r}"]
    return []


def _depth_problems(document: Document) -> list[str]:
    low, high = document.meta["depth_range_m"]
    problems: list[str] = []
    for mention in DEPTH_MENTION.finditer(document.body):
        for number in filter(None, mention.groups()):
            if not low <= float(number) <= high:
                problems.append(
                    f"body mentions {mention.group(0)!r}: {number} m is outside "
                    f"depth_range_m [{low}, {high}]"
                )
    return problems


def _dive_site_problems(document: Document) -> list[str]:
    """A dive site's file name and body against its front matter."""
    fields = SCHEMAS["dive_site"].fields
    problems: list[str] = []
    stem = PurePosixPath(document.path).stem
    if _is_valid(document.meta, fields, "site_id") and document.meta["site_id"] != stem:
        problems.append(f"site_id {document.meta['site_id']!r} must equal the file name {stem!r}")
    if _is_valid(document.meta, fields, "depth_range_m"):
        problems.extend(_depth_problems(document))
        problems.extend(_depth_limit_problems(document.meta))
    problems.extend(_restriction_problems(document.meta))
    return problems


def _depth_limit_problems(meta: dict[str, Any]) -> list[str]:
    """A site deeper than its minimum certification allows (unless only Deep divers may go)."""
    level = "deep" if meta.get("restricted_to") == "deep" else meta.get("min_certification")
    if level not in CERTIFICATION_DEPTH_LIMITS_M:
        return []
    limit, deepest = CERTIFICATION_DEPTH_LIMITS_M[level], meta["depth_range_m"][1]
    if deepest <= limit:
        return []
    return [
        f"depth_range_m goes to {deepest:g} m, beyond the {limit} m limit of {level}: "
        "raise min_certification or set restricted_to: deep"
    ]


def _restriction_problems(meta: dict[str, Any]) -> list[str]:
    """An overhead site must say which specialty opens it, and how to say so to a diver."""
    hazards = meta.get("hazards") if isinstance(meta.get("hazards"), list) else []
    overhead = sorted(OVERHEAD_HAZARDS.intersection(h for h in hazards if isinstance(h, str)))
    restricted, note = "restricted_to" in meta, "restriction_note" in meta
    problems: list[str] = []
    if overhead and not restricted:
        problems.append(
            f"hazards {', '.join(overhead)} need restricted_to "
            f"({', '.join(RESTRICTIONS)}): no certification level opens an overhead site"
        )
    if restricted and not note:
        problems.append("restricted_to needs a restriction_note telling divers what it means")
    if note and not restricted:
        problems.append("restriction_note is only for a site with restricted_to")
    return problems


def _document_problems(document: Document) -> list[str]:
    """Problems visible in one document on its own."""
    problems = _field_problems(document.meta, COMMON_FIELDS)
    if not any(section.heading for section in document.sections()):
        problems.append("body has no '##' section")
    if document.kind not in SCHEMAS:
        return problems
    problems.extend(
        f"unknown field {name!r} for kind {document.kind}"
        for name in document.meta
        if name not in ALLOWED_FIELDS[document.kind]
    )
    problems.extend(_field_problems(document.meta, SCHEMAS[document.kind].fields))
    problems.extend(_location_problems(document))
    if document.kind == "dive_site":
        problems.extend(_dive_site_problems(document))
    if document.kind == "destination" and _is_valid(
        document.meta, SCHEMAS["destination"].fields, "season"
    ):
        problems.extend(_season_problems(document.meta))
    return problems


def _season_problems(meta: dict[str, Any]) -> list[str]:
    """Each month is exactly one of in season, limited or closed; conditions give it once."""
    season = meta["season"]
    labelled = [*season["months"], *season["limited_months"], *season["closed_months"]]
    problems = []
    if sorted(labelled) != list(range(1, 13)):
        problems.append(
            "season: months, limited_months and closed_months must name each month 1-12 "
            f"exactly once, got {sorted(labelled)}"
        )
    conditions = meta.get("conditions")
    if isinstance(conditions, list) and all(isinstance(c, dict) for c in conditions):
        months = [m for c in conditions for m in c.get("months") or []]
        if len(months) != len(set(months)):
            problems.append("conditions: a month appears in more than one record")
    return problems


_ID_FIELDS = {"dive_site": "site_id", "partner": "partner_id"}
"""Document types whose id must be unique, and the field holding it."""


def _cross_document_problems(documents: list[Document]) -> dict[str, list[str]]:
    """Problems between documents (missing destination overviews, duplicate ids), by path."""
    overview_location = SCHEMAS["destination"].location
    covered_destinations = {
        PurePosixPath(doc.path).parts[1] for doc in documents if _is_at(doc.path, overview_location)
    }
    first_path_with_id: dict[tuple[str, str], str] = {}
    problems: dict[str, list[str]] = {}
    for document in documents:
        if document.kind not in _ID_FIELDS:
            continue
        found = problems.setdefault(document.path, [])
        destination = document.destination
        if destination in DESTINATIONS and destination not in covered_destinations:
            found.append(f"destination {destination!r} has no destination overview document")
        id_field = _ID_FIELDS[document.kind]
        document_id = document.meta.get(id_field)
        if not isinstance(document_id, str):
            continue
        if (id_field, document_id) in first_path_with_id:
            first_path = first_path_with_id[(id_field, document_id)]
            found.append(f"duplicate {id_field} {document_id!r} (already used by {first_path})")
        else:
            first_path_with_id[(id_field, document_id)] = document.path
    return problems


def validate_documents(documents: list[Document]) -> list[str]:
    """Every rule of knowledge/README.md that the documents break, one line per problem.

    Each line starts with the path of the document it is about, relative to
    knowledge/. Documents are checked on their own (fields, codes, location,
    sections, depths in a dive site's body) and against each other (unique
    site and partner ids, every site and partner destination has an overview).
    """
    cross_document_problems = _cross_document_problems(documents)
    return [
        f"{document.path}: {problem}"
        for document in documents
        for problem in _document_problems(document) + cross_document_problems.get(document.path, [])
    ]


@dataclass(frozen=True)
class FolderCheck:
    """What checking a knowledge folder found."""

    files: int
    documents: list[Document]
    problems: list[str]
    stale: list[StaleFact]


def check_folder(root: Path) -> FolderCheck:
    """Parse and validate every knowledge file under `root`, and find stale facts."""
    files = knowledge_files(root)
    documents: list[Document] = []
    problems: list[str] = []
    for path in files:
        try:
            documents.append(parse_document(path, root))
        except KnowledgeError as error:
            problems.append(str(error))
    problems.extend(validate_documents(documents))
    problems.extend(place_file_problems(root))
    return FolderCheck(len(files), documents, problems, stale_facts(documents, date.today()))


def main(argv: list[str] | None = None) -> int:
    """Validate a knowledge folder, print the outcome and return the exit status."""
    parser = argparse.ArgumentParser(description="Check knowledge files against their schema.")
    parser.add_argument(
        "--root", type=Path, default=KNOWLEDGE_DIR, help="knowledge folder (default: %(default)s)"
    )
    root: Path = parser.parse_args(argv).root
    if not root.is_dir():
        parser.error(f"--root {root} is not a directory")
    folder = check_folder(root)
    # Staleness is a warning: an old fact may still be right, but someone should look.
    for stale in folder.stale:
        print(f"warning: {stale}")
    if folder.problems:
        for problem in folder.problems:
            print(problem)
        print(f"{len(folder.problems)} problem(s) in {folder.files} documents")
        return 1
    counts = Counter(document.kind for document in folder.documents)
    summary = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
    print(f"{root.name}/: {len(folder.documents)} documents valid ({summary})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
