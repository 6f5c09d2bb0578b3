"""PDF to clean, sectioned text, and the budgeted part of it the summarizer reads."""
