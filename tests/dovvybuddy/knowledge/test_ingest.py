"""Ingestion: chunking, and keeping the table in line with knowledge/ by content hash."""

import hashlib
import textwrap

import psycopg
import pytest

from dovvybuddy.database.migrations import apply_migrations
from dovvybuddy.knowledge.documents import load_documents, parse_document
from dovvybuddy.knowledge.ingest import chunk_document, ingest, split_text


class CountingEmbedder:
    """Deterministic 384-d vectors from a hash; counts what it was asked to embed."""

    provider = "fake"
    model = "hash"
    dimension = 384

    def __init__(self, model: str = "hash") -> None:
        self.model = model
        self.embedded: list[str] = []

    async def embed_documents(self, texts):
        self.embedded.extend(texts)
        return [self._vector(text) for text in texts]

    async def embed_query(self, text):
        return self._vector(text)

    def _vector(self, text):
        digest = hashlib.sha256(text.encode()).digest()
        return [(digest[i % 32] + 1) / 256 for i in range(self.dimension)]


def write_doc(root, name, body, title="Mask clearing"):
    path = root / "comfort" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        textwrap.dedent(
            f"""\
            ---
            kind: comfort
            title: "{title}"
            topics: [mask]
            sources: [{{title: "x", url: "https://example.com"}}]
            last_reviewed: 2026-11-30
            ---
            """
        )
        + body
    )
    return path


def test_each_section_is_a_chunk_with_its_heading(tmp_path):
    path = write_doc(tmp_path, "a.md", "## First\nOne.\n\n## Second\nTwo.\n")
    chunks = chunk_document(parse_document(path, tmp_path))
    assert [(c.heading, c.content) for c in chunks] == [("First", "One."), ("Second", "Two.")]
    assert chunks[0].embedding_text == "Mask clearing - First\nOne."


def test_a_restricted_sites_key_facts_give_its_hazards_in_words_and_its_restriction():
    cavern = next(d for d in load_documents() if d.path.endswith("sipadan/sites/turtle-cavern.md"))
    facts = chunk_document(cavern)[0]
    assert facts.heading == "Key facts"
    assert "Hazards: overhead environment with no direct way to the surface" in facts.content
    assert "Restricted: the cavern itself is for certified cavern or cave divers" in facts.content
    assert "overhead_environment" not in facts.content


def test_long_sections_are_split_between_sentences():
    text = " ".join(f"Sentence number {i} has six words." for i in range(10))
    pieces = split_text(text, max_words=20)
    assert len(pieces) == 4
    assert all(len(piece.split()) <= 20 for piece in pieces)
    assert all(piece.endswith("words.") for piece in pieces)
    assert " ".join(pieces) == text


def test_a_sentence_longer_than_the_limit_stays_whole():
    long_sentence = "word " * 30 + "end."
    assert split_text(long_sentence.strip(), max_words=10) == [long_sentence.strip()]


def test_every_real_knowledge_chunk_is_small_enough_to_embed_well():
    chunks = [c for d in load_documents() for c in chunk_document(d)]
    assert len(chunks) > 200
    assert max(len(c.content.split()) for c in chunks) <= 250


def count_rows(database_url):
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM knowledge_chunks").fetchone()[0]


@pytest.fixture
def migrated(database_url):
    apply_migrations(database_url)
    return database_url


async def test_unchanged_chunks_are_kept_and_not_embedded_again(migrated, tmp_path):
    write_doc(tmp_path, "a.md", "## First\nOne.\n\n## Second\nTwo.\n")
    embedder = CountingEmbedder()

    first = await ingest(migrated, embedder, load_documents(tmp_path), progress=False)
    second = await ingest(migrated, embedder, load_documents(tmp_path), progress=False)

    assert (first.added, first.kept, first.removed) == (2, 0, 0)
    assert (second.added, second.kept, second.removed) == (0, 2, 0)
    assert (first.sentences_embedded, second.sentences_embedded) == (2, 0)
    # Each chunk and each of its sentences, once.
    assert sorted(embedder.embedded) == [
        "Mask clearing - First\nOne.",
        "Mask clearing - Second\nTwo.",
        "One.",
        "Two.",
    ]
    assert count_rows(migrated) == 2


def sentences_by_chunk(database_url):
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT c.content, s.position, s.text FROM knowledge_sentences s"
            " JOIN knowledge_chunks c ON c.id = s.chunk_id ORDER BY c.content, s.position"
        ).fetchall()
    found = {}
    for content, _, text in rows:
        found.setdefault(content, []).append(text)
    return found


async def test_each_chunk_keeps_its_sentences_in_order(migrated, tmp_path):
    write_doc(tmp_path, "a.md", "## Stop\nA stop is a pause. It lasts three minutes.\n- at 5 m\n")
    await ingest(migrated, CountingEmbedder(), load_documents(tmp_path), progress=False)

    assert sentences_by_chunk(migrated) == {
        "A stop is a pause. It lasts three minutes.\n- at 5 m": [
            "A stop is a pause.",
            "It lasts three minutes.",
            "at 5 m",
        ]
    }


async def test_an_edited_chunk_gets_new_sentences_and_the_old_ones_go(migrated, tmp_path):
    write_doc(tmp_path, "a.md", "## First\nOne.\n")
    await ingest(migrated, CountingEmbedder(), load_documents(tmp_path), progress=False)
    write_doc(tmp_path, "a.md", "## First\nOne, edited. Two.\n")
    embedder = CountingEmbedder()

    summary = await ingest(migrated, embedder, load_documents(tmp_path), progress=False)

    assert summary.sentences_embedded == 2
    assert sentences_by_chunk(migrated) == {"One, edited. Two.": ["One, edited.", "Two."]}


async def test_sentences_split_another_way_are_split_again(migrated, tmp_path):
    write_doc(tmp_path, "a.md", "## First\nOne. Two.\n")
    await ingest(migrated, CountingEmbedder(), load_documents(tmp_path), progress=False)
    with psycopg.connect(migrated) as conn:
        conn.execute("DELETE FROM knowledge_sentences WHERE position = 1")
        conn.execute("UPDATE knowledge_sentences SET text = 'One. Two.'")
    embedder = CountingEmbedder()

    summary = await ingest(migrated, embedder, load_documents(tmp_path), progress=False)

    assert (summary.added, summary.sentences_embedded) == (0, 2)
    assert sentences_by_chunk(migrated) == {"One. Two.": ["One.", "Two."]}


async def test_chunks_stored_before_sentences_existed_get_theirs_without_re_embedding(
    migrated, tmp_path
):
    write_doc(tmp_path, "a.md", "## First\nOne. Two.\n")
    await ingest(migrated, CountingEmbedder(), load_documents(tmp_path), progress=False)
    with psycopg.connect(migrated) as conn:
        conn.execute("DELETE FROM knowledge_sentences")
    embedder = CountingEmbedder()

    summary = await ingest(migrated, embedder, load_documents(tmp_path), progress=False)

    assert (summary.added, summary.kept, summary.sentences_embedded) == (0, 1, 2)
    assert embedder.embedded == ["One.", "Two."]


async def test_edited_and_deleted_files_lose_their_old_chunks(migrated, tmp_path):
    write_doc(tmp_path, "a.md", "## First\nOne.\n\n## Second\nTwo.\n")
    gone = write_doc(tmp_path, "b.md", "## Only\nThree.\n", title="Buoyancy")
    embedder = CountingEmbedder()
    await ingest(migrated, embedder, load_documents(tmp_path), progress=False)

    write_doc(tmp_path, "a.md", "## First\nOne.\n\n## Second\nTwo, edited.\n")
    gone.unlink()
    summary = await ingest(migrated, embedder, load_documents(tmp_path), progress=False)

    assert (summary.added, summary.kept, summary.removed) == (1, 1, 2)
    with psycopg.connect(migrated) as conn:
        contents = sorted(r[0] for r in conn.execute("SELECT content FROM knowledge_chunks"))
    assert contents == ["One.", "Two, edited."]


async def test_switching_the_embedding_model_re_embeds_everything(migrated, tmp_path):
    write_doc(tmp_path, "a.md", "## First\nOne.\n\n## Second\nTwo.\n")
    await ingest(migrated, CountingEmbedder("v1"), load_documents(tmp_path), progress=False)

    switched = CountingEmbedder("v2")
    summary = await ingest(migrated, switched, load_documents(tmp_path), progress=False)

    assert (summary.added, summary.kept, summary.removed) == (2, 0, 2)
    assert (summary.sentences_embedded, len(switched.embedded)) == (2, 4)
    with psycopg.connect(migrated) as conn:
        models = {r[0] for r in conn.execute("SELECT embedding_model FROM knowledge_chunks")}
    assert models == {"v2"}


@pytest.fixture
def second_database(postgres_server):
    with psycopg.connect(postgres_server.database_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS ingest_second")
        conn.execute("CREATE DATABASE ingest_second")
    url = postgres_server.database_url.replace("/dovvybuddy_test?", "/ingest_second?")
    apply_migrations(url)
    return url


async def test_a_second_database_reuses_cached_vectors(migrated, second_database, tmp_path):
    write_doc(tmp_path, "a.md", "## First\nOne. Two.\n")
    cache = tmp_path / "cache" / "embeddings.sqlite3"
    await ingest(migrated, CountingEmbedder(), load_documents(tmp_path), False, cache)
    embedder = CountingEmbedder()

    summary = await ingest(second_database, embedder, load_documents(tmp_path), False, cache)

    assert (summary.added, summary.sentences_embedded) == (1, 2)  # stored, not computed
    assert embedder.embedded == []
    assert sentences_by_chunk(second_database) == {"One. Two.": ["One.", "Two."]}


async def test_the_cache_never_serves_another_embedding(migrated, second_database, tmp_path):
    write_doc(tmp_path, "a.md", "## First\nOne.\n")
    cache = tmp_path / "embeddings.sqlite3"
    await ingest(migrated, CountingEmbedder("v1"), load_documents(tmp_path), False, cache)
    switched = CountingEmbedder("v2")

    await ingest(second_database, switched, load_documents(tmp_path), False, cache)

    assert sorted(switched.embedded) == ["Mask clearing - First\nOne.", "One."]
