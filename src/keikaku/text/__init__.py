"""Text helpers every stage shares: normalisation for matching, 和暦 dates."""
