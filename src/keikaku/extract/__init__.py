"""Stage 3: what is inside each unit: indicators, keywords and entities (SudachiPy/GiNZA)."""
