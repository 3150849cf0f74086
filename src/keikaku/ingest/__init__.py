"""Stage 1: input files → decoded source text (lines with their numbers)."""
