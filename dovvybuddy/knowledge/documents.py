"""Reading the curated knowledge base in knowledge/.

Every document is Markdown with YAML front matter (the schema is in
knowledge/README.md). This module only parses; `knowledge_validation`
checks the rules and `ingest` turns documents into searchable chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dovvybuddy.common.settings import PROJECT_ROOT

KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


class KnowledgeError(ValueError):
    """A knowledge file that cannot be read as front matter plus Markdown."""


@dataclass(frozen=True)
class Section:
    """A `##` section of a document (the text before the first heading has heading '')."""

    heading: str
    text: str


@dataclass(frozen=True)
class Document:
    """One knowledge file: its path relative to knowledge/, front matter and body."""

    path: str
    meta: dict[str, Any] = field(hash=False)
    body: str

    @property
    def kind(self) -> str:
        return str(self.meta.get("kind", ""))

    @property
    def title(self) -> str:
        return str(self.meta.get("title", ""))

    @property
    def destination(self) -> str | None:
        value = self.meta.get("destination")
        return str(value) if value else None

    def sections(self) -> list[Section]:
        """The body split at `##` headings, dropping empty parts."""
        parts: list[Section] = []
        matches = list(_HEADING.finditer(self.body))
        intro = self.body[: matches[0].start()] if matches else self.body
        # A leading `# Title` line repeats the title; it is not content.
        intro = re.sub(r"^#\s+.*$", "", intro, flags=re.MULTILINE).strip()
        if intro:
            parts.append(Section("", intro))
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(self.body)
            text = self.body[match.end() : end].strip()
            if text:
                parts.append(Section(match.group(1).strip(), text))
        return parts


def parse_document(path: Path, root: Path = KNOWLEDGE_DIR) -> Document:
    """Read one knowledge file."""
    relative = path.relative_to(root).as_posix()
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise KnowledgeError(f"{relative}: no YAML front matter between '---' lines")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{relative}: front matter is not valid YAML: {error}") from error
    if not isinstance(meta, dict):
        raise KnowledgeError(f"{relative}: front matter must be a mapping")
    return Document(path=relative, meta=meta, body=match.group(2))


def knowledge_files(root: Path = KNOWLEDGE_DIR) -> list[Path]:
    """Every knowledge document (README files describe the folder and are skipped)."""
    return sorted(p for p in root.rglob("*.md") if p.name != "README.md")


def load_documents(root: Path = KNOWLEDGE_DIR) -> list[Document]:
    """Parse every knowledge document; raise KnowledgeError on the first unreadable one."""
    return [parse_document(path, root) for path in knowledge_files(root)]
