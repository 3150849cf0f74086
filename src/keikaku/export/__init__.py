"""Stage 4: the document model → JSON files and flat tables (CSV, Parquet)."""
