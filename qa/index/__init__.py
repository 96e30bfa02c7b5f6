"""The index: embedding, FAISS and BM25 files, SQLite metadata, generations switched atomically, read-only snapshots."""
