"""PDF input measured: the development set's plans typeset as PDFs, their outlines against the
same plans given as text, and the speed of reading PDFs beside the text path's.

Each plan of ``../shared/devset/texts`` is typeset by the tests' typesetter (``tests/pdfmaker.py``:
A4, body 10.5 pt with long lines wrapped at the right margin, a running header and ``- N -`` on
every page, tab rows as ruled tables); the lines that head a unit of the gold outline are set in a
larger type by their depth (16, 13, 11.5 pt), as a plan's designer prints its headings.  Both the
PDF and the text are segmented and scored with the set's own ``score.py``.  Targets (exit 1 when
missed): every PDF's F1 ≥ 0.9 and within 0.05 of its text's.  Indicators: the real indicator
excerpts of ``../shared/realdev/indicators`` typeset the same way (their tab rows as ruled tables,
pages breaking inside tables), scored with that set's ``score.py`` as PDFs and as texts (target:
recall within 0.02 of the texts').  Speed: a plan of about 300 pages
read from its PDF (pages per second, the whole parse in seconds; target under 30 s) against the same
text read as text.

    .venv/bin/python bench/pdf.py [--devset DIR] [--indicators DIR] [--pages N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
DEVSET = ROOT.parent / "shared" / "devset"
INDICATORS = ROOT.parent / "shared" / "realdev" / "indicators"
TARGET_F1, TARGET_GAP, TARGET_SECONDS = 0.9, 0.05, 30.0
LEADERS = re.compile(r"[…‥・.]{3,}")


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def gold_levels(lines: list[str], gold: Path) -> list[int]:
    """Each line's type for the typesetter: a line that starts with a gold unit's code and holds
    the start of its title is set in the type of the unit's depth, unless it is one of a run of
    three or more such lines (a contents list, printed as text)."""
    heading = _gold_heading(gold)
    levels = [heading(line) for line in lines]
    entry = [lv > 0 or bool(LEADERS.search(_key(line))) for lv, line in zip(levels, lines)]
    k = 0
    while k < len(lines):
        j = k
        while j < len(lines) and entry[j]:
            j += 1
        if j - k >= 3:
            levels[k:j] = [0] * (j - k)
        k = max(j, k + 1)
    return levels


def _gold_heading(gold: Path):
    heads: list[tuple[str, str, int]] = []

    def walk(nodes: list[dict], depth: int) -> None:
        for n in nodes:
            heads.append((_key(n.get("code") or ""), _key(n.get("title") or "")[:6], depth))
            walk(n.get("children", []), depth + 1)

    walk(json.loads(gold.read_text(encoding="utf-8"))["nodes"], 1)

    def heading(line: str) -> int:
        k = _key(line)
        if not k or len(line) > 60 or LEADERS.search(k):
            return 0
        for code, title, depth in heads:
            if code and k.startswith(code) and title and title in k:
                return min(depth, 3)
        return 0
    return heading


def _segment(paths: list[Path], out: Path) -> None:
    from keikaku import __version__
    from keikaku.export.document import document_json, dumps
    from keikaku.extract.document import parse_file

    out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        doc = parse_file(path, path.stem, None)
        (out / f"{path.stem}.json").write_text(dumps(document_json(doc, __version__)), encoding="utf-8")


def _scores(devset: Path, out: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, str(devset / "score.py"), str(out), "--gold", str(devset / "gold")],
                            capture_output=True, text=True, check=True)
    scores = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].startswith("f1=") and parts[0] != "mean":
            scores[parts[0]] = float(parts[1][3:])
    return scores


def outlines(devset: Path, work: Path) -> bool:
    from pdfmaker import typeset

    from keikaku.ingest.pdf import extract_pdf

    texts = sorted((devset / "texts").glob("*.txt"))
    pdfs, plain = work / "pdf", work / "pdf_plain"
    pdfs.mkdir(parents=True, exist_ok=True)
    plain.mkdir(parents=True, exist_ok=True)
    kept = total = 0
    for t in texts:
        lines = t.read_text(encoding="utf-8").splitlines()
        levels = gold_levels(lines, devset / "gold" / f"{t.stem}.json")
        data = typeset(lines, levels=levels)
        (pdfs / f"{t.stem}.pdf").write_bytes(data)
        # the control: every line in body type, so that no print is evidence
        (plain / f"{t.stem}.pdf").write_bytes(typeset(lines, levels=[0] * len(lines)))
        # fidelity: the source's lines that the PDF's text gives back as they are
        read = {line.replace("\f", "").strip() for line in extract_pdf(data, t.name).lines}
        source = [line.strip() for line in lines if line.strip()]
        kept += sum(line in read for line in source)
        total += len(source)
    _segment(texts, work / "out_text")
    _segment(sorted(pdfs.glob("*.pdf")), work / "out_pdf")
    _segment(sorted(plain.glob("*.pdf")), work / "out_plain")
    as_text, as_pdf = _scores(devset, work / "out_text"), _scores(devset, work / "out_pdf")
    as_plain = _scores(devset, work / "out_plain")
    ok = True
    print(f"{'document':34} {'text F1':>8} {'PDF F1':>8}  gap    {'PDF, body type only':>20}")
    for name in sorted(as_text):
        a, b, c = as_text[name], as_pdf.get(name, 0.0), as_plain.get(name, 0.0)
        miss = b < TARGET_F1 or a - b > TARGET_GAP
        ok &= not miss
        print(f"{name:34} {a:8.3f} {b:8.3f} {b - a:+.3f}{'  MISSED' if miss else '        '} {c:12.3f}")
    def mean(scores: dict[str, float]) -> float:
        return sum(scores.values()) / max(len(scores), 1)
    print(f"{'mean':34} {mean(as_text):8.3f} {mean(as_pdf):8.3f} {mean(as_pdf) - mean(as_text):+.3f}        "
          f" {mean(as_plain):12.3f}   (targets: each PDF ≥ {TARGET_F1}, within {TARGET_GAP})")
    print(f"text lines given back as they are: {kept:,} of {total:,} ({kept / total:.1%}; the others: a paragraph"
          " without an indent joined to the full line before it, or a space the typesetter left out at a wrap)")
    return ok


def _indicator_scores(indicators: Path, inputs: Path, out: Path) -> dict:
    subprocess.run([sys.executable, "-m", "keikaku", "run", str(inputs), "--out", str(out), "--nlp", "none", "-q"],
                   check=False)
    result = subprocess.run([sys.executable, str(indicators / "score.py"), str(out)], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def indicators(indicators: Path, work: Path) -> bool:
    from pdfmaker import typeset

    pdfs = work / "ind_pdf"
    pdfs.mkdir(parents=True, exist_ok=True)
    for t in sorted((indicators / "texts").glob("*.txt")):
        lines = t.read_text(encoding="utf-8").splitlines()
        (pdfs / f"{t.stem}.pdf").write_bytes(typeset(lines, title="総合計画　成果指標"))
    as_text = _indicator_scores(indicators, indicators / "texts", work / "ind_out_text")
    as_pdf = _indicator_scores(indicators, pdfs, work / "ind_out_pdf")
    ok = as_pdf["recall"] >= as_text["recall"] - 0.02
    print(f"\nreal indicator excerpts ({as_text['gold_values']} values): as text recall {as_text['recall']:.3f}"
          f" precision {as_text['precision']:.3f}; as PDF recall {as_pdf['recall']:.3f}"
          f" precision {as_pdf['precision']:.3f}{'' if ok else '  MISSED'}")
    return ok


def speed(devset: Path, work: Path, pages: int) -> bool:
    from pdfmaker import typeset

    from keikaku.extract.document import parse_source
    from keikaku.ingest import ingest_any
    from keikaku.ingest.pdf import extract_pdf
    from keikaku.ingest.text import ingest_bytes

    lines: list[str] = []
    for t in sorted((devset / "texts").glob("*.txt")):
        lines += t.read_text(encoding="utf-8").splitlines()
    per_page = 25  # a full A4 page of 10.5 pt text holds about 25 paragraphs of these plans
    while len(lines) < pages * per_page:
        lines += lines
    data = typeset(lines[: pages * per_page], lines_per_page=per_page)
    (work / "long.pdf").write_bytes(data)
    t0 = time.perf_counter()
    pdf = extract_pdf(data, "long.pdf")
    t_extract = time.perf_counter() - t0
    text = "".join(f"{line}\n" for line in pdf.lines).encode("utf-8")
    t0 = time.perf_counter()
    ingest_bytes(text, "long.txt")
    t_text = time.perf_counter() - t0
    t0 = time.perf_counter()
    parse_source(ingest_any(data, "long.pdf"), "long", None)
    t_pdf_parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    parse_source(ingest_bytes(text, "long.txt"), "long", None)
    t_text_parse = time.perf_counter() - t0
    n = pdf.pages
    print(f"\n{n} pages, {len(pdf.lines):,} lines, {len(data) / 1e6:.1f} MB PDF, {len(text) / 1e6:.1f} MB text (one core)")
    print(f"  reading the PDF's text layer: {t_extract:6.2f} s  {n / t_extract:8.0f} pages/s")
    print(f"  decoding the same text:       {t_text:6.2f} s  {n / t_text:8.0f} pages/s"
          f"  (the PDF takes {t_extract / t_text:.0f}× the text's time)")
    print(f"  whole parse, PDF:             {t_pdf_parse:6.2f} s  (target under {TARGET_SECONDS:.0f} s)")
    print(f"  whole parse, text:            {t_text_parse:6.2f} s  (PDF/text {t_pdf_parse / t_text_parse:.2f}×)")
    return t_pdf_parse < TARGET_SECONDS


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", type=Path, default=DEVSET)
    ap.add_argument("--indicators", type=Path, default=INDICATORS)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--keep", type=Path, help="keep the PDFs and outputs in this folder")
    args = ap.parse_args()
    if not (args.devset / "texts").is_dir():
        print(f"error: no development set at {args.devset} (expected texts/); point to it with --devset DIR",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        ok = outlines(args.devset, work)
        if (args.indicators / "texts").is_dir():
            ok &= indicators(args.indicators, work)
        else:
            print(f"\nno indicator excerpts at {args.indicators}: give their folder with --indicators DIR")
        ok &= speed(args.devset, work, args.pages)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
