"""Where a night's papers come from: arXiv ids, the arXiv API, the log's pending list, configured queries, and their PDFs."""
