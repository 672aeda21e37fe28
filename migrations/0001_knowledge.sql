-- Knowledge chunks for retrieval: one row per chunk of a knowledge/ document,
-- keyed by the hash of its text and the embedding that produced its vector.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE knowledge_chunks (
    id                 bigserial PRIMARY KEY,
    content_hash       text        NOT NULL,
    doc_path           text        NOT NULL,
    doc_type           text        NOT NULL,
    title              text        NOT NULL,
    heading            text        NOT NULL DEFAULT '',
    destination        text,
    metadata           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    content            text        NOT NULL,
    search_text        tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title || ' ' || heading), 'A')
        || setweight(to_tsvector('english', content), 'B')
    ) STORED,
    embedding_provider text        NOT NULL,
    embedding_model    text        NOT NULL,
    embedding_dim      integer     NOT NULL,
    embedding          vector(384) NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (content_hash, embedding_provider, embedding_model, embedding_dim)
);

CREATE INDEX knowledge_chunks_embedding_hnsw
    ON knowledge_chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX knowledge_chunks_search_text ON knowledge_chunks USING gin (search_text);
CREATE INDEX knowledge_chunks_doc_type ON knowledge_chunks (doc_type, destination);
