"""Bare GiNZA, as a user runs it without keikaku: ``nlp.pipe`` over paragraphs at the model's
default batch size, every component of ja_ginza.  Run by bench_analysis.py with the Python of
the environment being measured; prints one JSON line.

    python bench/bare_pipe.py CORPUS_DIR
"""

import json
import sys
import time
from importlib.metadata import version
from pathlib import Path


def paragraphs(folder: Path) -> list[str]:
    return [p.strip() for f in sorted(folder.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")
            if p.strip()]


def main() -> None:
    texts = paragraphs(Path(sys.argv[1]))
    start = time.perf_counter()
    import spacy

    nlp = spacy.load("ja_ginza")
    loaded = time.perf_counter()
    entities = sum(len(doc.ents) for doc in nlp.pipe(texts))
    done = time.perf_counter()
    print(json.dumps({"chars": sum(map(len, texts)), "texts": len(texts), "load_seconds": loaded - start,
                      "pipe_seconds": done - loaded, "entities": entities, "batch_size": nlp.batch_size,
                      "versions": {p: version(p) for p in ("spacy", "ginza", "ja-ginza", "SudachiPy")}}))


if __name__ == "__main__":
    main()
