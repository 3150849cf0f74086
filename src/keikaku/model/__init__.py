"""The document model: one tree of units that is also the output file (stage-independent)."""
