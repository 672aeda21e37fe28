"""Generate NLU lookup tables and synonyms for covered places from knowledge/.

A new dive-site file in knowledge/ is recognised after the next training:
`make train` (and `make run`) regenerate data/nlu/knowledge_lookups.yml before
training, and a test fails if the committed file is out of date.
"""

from __future__ import annotations

import re
import sys

from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.knowledge.documents import Document, load_documents

LOOKUP_FILE = PROJECT_ROOT / "data" / "nlu" / "knowledge_lookups.yml"
_PARENTHESES = re.compile(r"\s*\(([^)]*)\)")
_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)
_ISLAND_PREFIX = re.compile(r"^(pulau|pulau-)\s+", re.IGNORECASE)


def place_names(title: str) -> list[str]:
    """The names a diver may use for a place, from its title.

    "Pulau Kerengga (Kerengga Besar and Kerengga Kecil), Redang" gives
    Pulau Kerengga, Kerengga, Kerengga Besar, Kerengga Kecil.
    """
    name = title.split(",")[0].split(":")[0]
    parts = [_PARENTHESES.sub("", name), *_PARENTHESES.findall(name)]
    names: list[str] = []
    for part in parts:
        for piece in part.split(" and "):
            piece = _ARTICLE.sub("", piece.strip())
            for variant in (piece, _ISLAND_PREFIX.sub("", piece)):
                if variant and variant.lower() not in (n.lower() for n in names):
                    names.append(variant)
    return names


def _examples(names: list[str]) -> str:
    return "".join(f"      - {name}\n" for name in names)


def lookups_yaml(documents: list[Document]) -> str:
    """The generated NLU file: lookup tables for sites and destinations, site synonyms."""
    sites = sorted((d for d in documents if d.kind == "dive_site"), key=lambda d: d.meta["site_id"])
    destinations = sorted(
        (d for d in documents if d.kind == "destination"), key=lambda d: d.meta["destination"]
    )
    site_names = {site.meta["site_id"]: place_names(site.title) for site in sites}
    destination_names = sorted(
        {name for d in destinations for name in place_names(d.title)}
        | {d.meta["destination"].title() for d in destinations}
    )
    lines = [
        "# Generated from knowledge/ by dovvybuddy/nlu_lookups.py (make train). Do not edit.",
        'version: "3.1"',
        "nlu:",
        "  - lookup: dive_site",
        "    examples: |",
        _examples(sorted({n for names in site_names.values() for n in names})).rstrip("\n"),
        "  - lookup: destination",
        "    examples: |",
        _examples(destination_names).rstrip("\n"),
    ]
    for site_id, names in site_names.items():
        lines += [f"  - synonym: {site_id}", "    examples: |", _examples(names).rstrip("\n")]
    return "\n".join(lines) + "\n"


def write_lookups() -> bool:
    """Regenerate the file; return True if it changed."""
    content = lookups_yaml(load_documents())
    if LOOKUP_FILE.exists() and LOOKUP_FILE.read_text() == content:
        return False
    LOOKUP_FILE.write_text(content)
    return True


if __name__ == "__main__":
    print("updated" if write_lookups() else "up to date", LOOKUP_FILE)
    sys.exit(0)
