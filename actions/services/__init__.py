"""External services behind small interfaces: embeddings, the knowledge store, Gemini."""
