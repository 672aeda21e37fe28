-- A knowledge chunk's "kind" (the kind of document it comes from: course,
-- site card, logistics guide...) is what answers are routed by; the column
-- was called doc_type. Each chunk's sentences are stored with their own
-- vector, so an answer can quote the sentences that answer a question rather
-- than the opening of the best section. A sentence belongs to one chunk and
-- goes with it: an unchanged chunk is never split or embedded again.
ALTER TABLE knowledge_chunks RENAME COLUMN doc_type TO kind;
ALTER INDEX knowledge_chunks_doc_type RENAME TO knowledge_chunks_kind;

CREATE TABLE knowledge_sentences (
    chunk_id  bigint      NOT NULL REFERENCES knowledge_chunks (id) ON DELETE CASCADE,
    position  integer     NOT NULL,
    text      text        NOT NULL,
    embedding vector(384) NOT NULL,
    PRIMARY KEY (chunk_id, position)
);
