"""The command line: a thin layer over :mod:`keikaku.run.pipeline` and friends.

Exit status: 0 when every input was processed (warnings allowed), 1 when any input failed or a
write failed (a full disk), 2 for a usage error, an unusable profile, an output folder that
cannot be used or is busy with another run, or an unreachable Dask scheduler; 130 after Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Callable

from . import __version__
from .errors import CodedWarning, KeikakuError, OutputError, ProfileError, SetupError, UsageError
from .export.files import atomic_write
from .export.tables import TableFormat
from .extract.document import parse_source
from .extract.nlp import NlpMode
from .ingest import ingest
from .ingest.text import MAX_MB
from .run.batch import tune_gc
from .run.outdir import CACHE_FILE
from .run.pipeline import Progress, RunOptions, run, safe_stem
from .segment import infer
from .segment.outline import outline_toml
from .segment.profile import builtin_profiles, get_profile
from .segment.structure import explain_rows
from .views.render import render, render_layout, render_structure
from .views.report import write_report

_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F] if c != 0x09}


def one_line(message: str) -> str:
    """``message`` on one line: a line break or another control character (in a file name) as ``\\xNN``."""
    return message.translate(_CONTROLS)


SHOWN_CHARS = 80  # of a warning's message in the line of its document (the manifest holds it whole)


def warnings_text(warnings: list[CodedWarning]) -> str:
    """A document's warnings in a few words: the first one's code and message (cut short), then
    how many more and their codes, e.g. ``W205 the numbering has 2 gaps (…) (3 more: W301, W303 ×2)``."""
    first = warnings[0]
    message = first.message if len(first.message) <= SHOWN_CHARS else first.message[:SHOWN_CHARS - 1] + "…"
    text = f"{first.code} {message}"
    if len(warnings) > 1:
        others = Counter(w.code for w in warnings[1:])
        text += f" ({len(warnings) - 1} more: {', '.join(_times(code, n) for code, n in sorted(others.items()))})"
    return text


def _times(code: str, n: int) -> str:
    return code if n == 1 else f"{code} ×{n}"


class _ProgressDisplay:
    """On a terminal, a one-line bar (documents, characters, rate, ETA) with a line above it for
    each document with warnings (with --verbose, for every document) and for each log message;
    anywhere else (a log file, CI), a plain line per document.  A document's line names its
    warnings (:func:`warnings_text`)."""

    def __init__(self, verbose: bool) -> None:
        self.tty = sys.stderr.isatty()
        self.verbose = verbose
        self.bar = ""  # the bar as last drawn; empty until the first document is done

    def __call__(self, p: Progress) -> None:
        rate = p.chars / p.seconds if p.seconds > 0 else 0.0
        eta = "ETA …" if p.eta is None else f"ETA {p.eta:,.0f} s"  # unknown until a document after the model load
        line = f"[{p.done}/{p.total}] {p.doc_id}: {p.status} ({p.chars:,} chars, {rate:,.0f} chars/s, {eta})"
        if p.warnings:
            line += f": {warnings_text(p.warnings)}"
        if not self.tty:
            print(one_line(line), file=sys.stderr)
            return
        width = 24
        filled = int(width * p.done / p.total) if p.total else width
        self.bar = (f"\r[{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total} documents, {p.chars:,} chars,"
                    f" {rate:,.0f} chars/s, {eta} \x1b[K")
        if self.verbose or p.warnings:
            self.above(line)  # and the bar below it
        else:
            sys.stderr.write(self.bar)
            sys.stderr.flush()

    def above(self, line: str) -> None:
        """Print a whole line: above the bar on a terminal (the bar is drawn again below it)."""
        if self.bar:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.write(one_line(line) + "\n")
        sys.stderr.write(self.bar)
        sys.stderr.flush()

    def close(self) -> None:
        """End the progress line (once: Ctrl-C closes it before its message, then ``finally`` again)."""
        if self.bar:
            sys.stderr.write("\n")
            self.bar = ""


def _log(quiet: bool, display: _ProgressDisplay | None = None) -> Callable[[str], None]:
    """Log lines go to stderr, one line each (above the progress bar on a terminal); with
    --quiet only errors do."""
    def log(message: str) -> None:
        if quiet and not message.startswith("error:"):
            return
        if display is not None and display.tty:
            display.above(message)
        else:
            print(one_line(message), file=sys.stderr)
    return log


def _max_mb(args: argparse.Namespace) -> float:
    if not 0 < args.max_size < float("inf"):  # also NaN
        raise UsageError(f"--max-size must be a number of MB above 0, got {args.max_size:g}")
    return float(args.max_size)


def _cmd_run(args: argparse.Namespace) -> int:
    profile = get_profile(args.profile) if args.profile else None
    max_mb = _max_mb(args)
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    display = None if args.quiet else _ProgressDisplay(args.verbose)
    options = RunOptions(profile=profile, nlp=args.nlp, workers=args.workers, scheduler=args.scheduler,
                         force=args.force, cache=not args.no_cache,
                         cache_file=Path(args.cache) / CACHE_FILE if args.cache else None,
                         csv_encoding=args.csv_encoding, table_format=args.format, max_mb=max_mb)
    try:
        result = run(args.paths, args.out, options, log=_log(args.quiet, display), progress=display)
    except KeyboardInterrupt:
        if display:
            display.close()
        print(f"interrupted: the documents finished so far are in {args.out} and its manifest; run the same"
              " command again to resume (finished documents are skipped)", file=sys.stderr)
        return 130
    finally:
        if display:
            display.close()
    if not result.entries:
        print("error: no input files found", file=sys.stderr)
        return 1
    if not args.quiet:
        # Each document once, in one state: unchanged ones are not counted again as ok.
        redone = result.entries_processed
        count = {s: sum(1 for e in redone if e.status == s) for s in ("ok", "warning", "failed")}
        nodes = sum(e.nodes for e in result.entries)
        rate = result.chars / result.seconds if result.seconds else 0.0
        print(f"{len(result.entries)} document(s): {count['ok']} ok, {count['warning']} with warnings,"
              f" {count['failed']} failed, {result.unchanged} unchanged (not redone); {nodes:,} nodes;"
              f" {result.chars:,} chars processed in {result.seconds:.1f} s ({rate:,.0f} chars/s);"
              f" {len(result.skipped)} file(s) skipped; output in {args.out}", file=sys.stderr)
        kinds = Counter(w.code for e in redone for w in e.warnings)
        if kinds:
            print(f"warnings: {', '.join(f'{code} ×{n}' for code, n in sorted(kinds.items()))} (each document's in"
                  " manifest.json; docs/warnings.md says what each code means)", file=sys.stderr)
    if not args.no_report and not result.write_error:
        # The page a newcomer opens first: the folder's report, written anew after every run.
        path = write_report(args.out)
        if not args.quiet:
            print(f"report: {path}", file=sys.stderr)
    return 1 if result.failed or result.write_error else 0


def _cmd_profiles(args: argparse.Namespace) -> int:
    for name, p in builtin_profiles().items():
        print(f"{name:26} {p.description}")
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    source = ingest(args.file, max_mb=_max_mb(args))
    profile = get_profile(args.profile) if args.profile else None
    if args.rows:
        if profile is not None and profile.pinned:
            raise UsageError(f"--rows shows what inference decided; {profile.name} pins its levels as line patterns")
        sys.stdout.write(explain_rows(infer(source, profile or builtin_profiles()["generic"])))
        return 0
    doc = parse_source(source, safe_stem(Path(args.file)), profile)
    print(f"# {doc.profile.reason}")
    sys.stdout.write(render_structure(doc, rejected=not args.counts))
    sys.stdout.write(render(doc, details=not args.counts))
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    source = ingest(args.file, max_mb=_max_mb(args))
    text = render_layout(source) if args.layout else "".join(f"{line.text}\n" for line in source.lines)
    if args.output:
        atomic_write(Path(args.output), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return 0


def _cmd_profile_infer(args: argparse.Namespace) -> int:
    max_mb = _max_mb(args)
    sources = [ingest(f, max_mb=max_mb) for f in args.files]
    name = args.name or safe_stem(Path(args.files[0]))
    sys.stdout.write(outline_toml(sources, builtin_profiles()["generic"], name))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    path = write_report(args.out_dir, args.output)
    if not args.quiet:
        print(f"report written to {path}", file=sys.stderr)
    return 0


def _max_size_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-size", type=float, default=MAX_MB, metavar="MB",
                        help=f"refuse input files larger than this (default {MAX_MB} MB, well above any real plan);"
                             " only regular files are read")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="keikaku", description="Japanese municipal plan texts → structured data")
    parser.add_argument("--version", action="version", version=f"keikaku {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="process plan texts (files or folders) into an output folder")
    p.add_argument("paths", nargs="+", metavar="PATH", help="plan text files, or folders of .txt files")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--profile", metavar="NAME|FILE", help="a shipped profile name or a profile .toml file;"
                   " default: chosen per document")
    p.add_argument("--format", choices=[f.value for f in TableFormat], default=TableFormat.CSV.value,
                   help="flat tables as CSV (default), Parquet (typed, for DuckDB/Polars/Spark), both of them, one"
                        " Excel workbook (xlsx: tables.xlsx, a sheet per table), or all of them")
    p.add_argument("--csv-encoding", choices=["utf-8-sig", "utf-8"], default="utf-8-sig",
                   help="utf-8-sig (default) has a BOM so that Excel on Japanese Windows opens it correctly")
    p.add_argument("--nlp", choices=[m.value for m in NlpMode], default=NlpMode.FULL.value,
                   help="full: GiNZA entities + Sudachi keywords (default); fast: SudachiPy only (keywords, rule"
                        " and date entities; for huge corpora); none: structure only")
    p.add_argument("--workers", type=int, metavar="N",
                   help="processes for the analysis, each loading the model once (default: chosen from the"
                        " input: one for a few small files, up to one per CPU for a large input)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the documents on an existing Dask cluster (e.g. tcp://10.0.0.5:8786)")
    p.add_argument("--force", action="store_true",
                   help="redo every document, even those unchanged since the run that wrote --out")
    _max_size_option(p)
    p.add_argument("--cache", metavar="DIR", help="folder of the analysis cache (default: OUT/.cache)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the analysis cache")
    p.add_argument("--no-report", action="store_true", help="do not write OUT/report.html after the run")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="on a terminal, a line per document besides the progress bar (documents with warnings"
                        " always have one)")
    p.set_defaults(func=_cmd_run)
    p = sub.add_parser("report", help="write a self-contained report.html of an output folder")
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.add_argument("--output", metavar="FILE", help="where to write it (default: OUT_DIR/report.html)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=_cmd_report)
    p = sub.add_parser("profiles", help="list the shipped profiles")
    p.set_defaults(func=_cmd_profiles)
    p = sub.add_parser("inspect", help="print how one plan text is segmented: the levels found (style, example,"
                                       " depth, count), the markers set aside and why, and the tree")
    p.add_argument("file")
    p.add_argument("--profile", metavar="NAME|FILE")
    p.add_argument("--counts", action="store_true", help="counts only, without section items, refs and the"
                                                         " markers set aside")
    _max_size_option(p)
    p.add_argument("--rows", action="store_true", help="one line per row: its role, its marker readings and what"
                                                       " each step of inference decided about it")
    p.set_defaults(func=_cmd_inspect)
    p = sub.add_parser("extract", help="write the text keikaku reads from a PDF (or a text file), a form feed before"
                                       " each page: to see it, correct it by hand and run the text instead")
    p.add_argument("file")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (UTF-8) instead of the standard output")
    p.add_argument("--layout", action="store_true", help="one line per text line with what the page showed: page,"
                   " font size to the body's, bold, indent, space above, table row, furniture (not for running)")
    _max_size_option(p)
    p.set_defaults(func=_cmd_extract)
    p = sub.add_parser("profile", help="work with profiles: `keikaku profile infer FILE… > city.toml`")
    psub = p.add_subparsers(dest="profile_command", required=True)
    q = psub.add_parser("infer", help="write the outline inferred from plan texts as a profile (TOML) to edit and"
                                      " pin with --profile")
    q.add_argument("files", nargs="+", metavar="FILE")
    q.add_argument("--name", help="the profile's name (default: the first file's name)")
    _max_size_option(q)
    q.set_defaults(func=_cmd_profile_infer)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ProfileError, SetupError, UsageError, OutputError) as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeikakuError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return 1


def entry() -> int:
    """The ``keikaku`` command (and ``python -m keikaku``): :func:`main` in keikaku's own process,
    whose garbage collector it may tune (:func:`main` called from Python leaves it alone)."""
    tune_gc()
    return main()


if __name__ == "__main__":
    sys.exit(entry())
