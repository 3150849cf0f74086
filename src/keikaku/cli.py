"""The command line: a thin layer over :mod:`keikaku.pipeline` and friends.

Exit status: 0 when every input was processed (warnings allowed), 1 when any input failed,
2 for a usage error or an unusable profile.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import KeikakuError, ProfileError, SetupError, UsageError
from .ingest import ingest
from .nlp import MODES
from .pipeline import run, safe_stem
from .profile import builtin_profiles, get_profile
from .render import render
from .segment import choose_profile, segment


def _cmd_run(args: argparse.Namespace) -> int:
    profile = get_profile(args.profile) if args.profile else None
    log = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr))
    if args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    result = run(args.paths, Path(args.out), profile=profile, csv_encoding=args.csv_encoding, log=log,
                 nlp=args.nlp, workers=args.workers)
    ok = sum(1 for e in result.entries if e["status"] == "ok")
    warned = sum(1 for e in result.entries if e["status"] == "warning")
    nodes = sum(e["counts"].get("nodes", 0) for e in result.entries)
    if not args.quiet:
        print(f"{len(result.entries)} document(s): {ok} ok, {warned} with warnings, {result.failed} failed;"
              f" {nodes} nodes; skipped {len(result.skipped)} file(s); output in {args.out}", file=sys.stderr)
    if not result.entries:
        print("error: no input files found", file=sys.stderr)
        return 1
    return 1 if result.failed else 0


def _cmd_profiles(args: argparse.Namespace) -> int:
    for name, p in builtin_profiles().items():
        print(f"{name:26} {p.description}")
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    source = ingest(args.file)
    if args.profile:
        doc = segment(source, get_profile(args.profile), safe_stem(Path(args.file)))
    else:
        profile, choice = choose_profile(source)
        doc = segment(source, profile, safe_stem(Path(args.file)), choice)
    print(f"# {doc.profile.reason}")
    sys.stdout.write(render(doc, details=not args.counts))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="keikaku", description="Japanese municipal plan texts → structured data")
    parser.add_argument("--version", action="version", version=f"keikaku {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="process plan texts (files or folders) into an output folder")
    p.add_argument("paths", nargs="+", metavar="PATH", help="plan text files, or folders of .txt files")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--profile", metavar="NAME|FILE", help="a shipped profile name or a profile .toml file;"
                   " default: chosen per document")
    p.add_argument("--csv-encoding", choices=["utf-8-sig", "utf-8"], default="utf-8-sig",
                   help="utf-8-sig (default) has a BOM so that Excel on Japanese Windows opens it correctly")
    p.add_argument("--nlp", choices=MODES, default="full",
                   help="full: GiNZA entities + Sudachi keywords (default); fast: SudachiPy only (keywords, rule"
                        " and date entities; for huge corpora); none: structure only")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="processes for the analysis, each loading the model once (default 1)")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.set_defaults(func=_cmd_run)
    p = sub.add_parser("profiles", help="list the shipped profiles")
    p.set_defaults(func=_cmd_profiles)
    p = sub.add_parser("inspect", help="print the tree of one plan text to check a profile quickly")
    p.add_argument("file")
    p.add_argument("--profile", metavar="NAME|FILE")
    p.add_argument("--counts", action="store_true", help="counts only, without section items and refs")
    p.set_defaults(func=_cmd_inspect)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ProfileError, SetupError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeikakuError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
