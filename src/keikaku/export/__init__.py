"""Stage 4: the document model → JSON files and flat tables (CSV, Parquet, an Excel workbook).

Output is deterministic (the same input gives byte-identical files) and every file is written
whole or not at all (:mod:`.files`).
"""
