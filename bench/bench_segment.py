"""Benchmark of segmentation (``--nlp none``): whole plans against a baseline release, and lines.

    .venv/bin/python bench/bench_segment.py [--baseline REF] [--lines 100000,200000,400000]

In one run it measures, each in its own process (wall time, peak RSS):

  seeds ×70    the seeds concatenated and repeated 70 times (about 2M characters), ``keikaku run
               --nlp none`` with this working tree and with the baseline release (checked out
               with ``git worktree`` into a temporary folder and run on the same interpreter and
               packages); the target is at most 2 times the baseline's time (contents lists are
               read token by token since 0.9)
  20 MB plan   the same text repeated to 20 MB (the plan of tests/test_scale.py), the same way
  lines        plans of N lines made of a development-set-like text repeated (headings,
               sections, tables, page furniture), segmentation only: time per line should stay flat
  hostile      shapes that once made a step superlinear, or could (a contents list of n entries,
               one run-on contents line, a column of n numbers), at n and 4n rows

and prints the figures and the ratios.  Each figure is given in wall seconds and in CPU seconds of
the process: on a machine shared with other work the wall time varies with their load, the CPU time
much less, so the ratios are taken on CPU time.  The lines and the hostile shapes call the library
in a fresh process, with Python's garbage collector as a notebook has it; ``keikaku run`` tunes it
for its own processes (``keikaku.run.batch.tune_gc``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The release before the outline was inferred from each document (the last one CI passed).
BASELINE = "93c11d0"
PLAN_LINES = """第1部　基本計画
第1章 子育て・教育 ・・・・・・・・ 44
基本施策1-1 子育て支援の充実
めざす姿
安心して子どもを産み育てることができています。
現状と課題
・保育ニーズは引き続き高い状況です。
施策の方向性
1-1-1 切れ目のない支援
相談を一体的に行い、支援が必要な家庭を早期に把握します。
1-1-2 保育ニーズへの対応
小規模保育施設を整備します。
◆成果指標
指標名\t現状値\t目標値
待機児童数\t14人\t0人

- 45 -
総合計画　後期基本計画
(1) 妊娠・出産への支援
①　健康診査の助成
ア　端末の活用
本文です。
"""


# Shapes that once made a step superlinear (each was quadratic before it was fixed).
HOSTILE = {
    "page numbers only": lambda n: "".join(f"- {k} -\n" for k in range(n)),
    "page numbers, then blank lines": lambda n: "".join(f"- {k} -\n" for k in range(n // 2)) + "\n" * (n // 2),
    "目次 and copies of one line": lambda n: "目次\n" + "第1章 総論\n" * n,
    "one line of spaced characters": lambda n: "目 " + " ".join("字" for _ in range(n)) + "\n",
    "a contents list of n entries": lambda n: "目次\n" + "".join(
        f"第{k}章 章の題名 ・・・・・・ {k + 2}\n" for k in range(1, n)),
    "one run-on contents line": lambda n: "目 次 " + " ".join(
        f"{k} 計画の題名{k} ........ {k + 2}" for k in range(1, n // 4)) + "\n",
    "a column of numbers, then titles": lambda n: " ".join(str(k) for k in range(1, n // 2)) + " " + " ".join(
        f"題名{k}" for k in range(1, n // 2)) + "\n",
    "目次 rows only": lambda n: "目次\n" * n,
    "leader rows only": lambda n: "・・・・ 5\n" * n,
    "a list of codes with many prefixes": lambda n: "目次\n" + "".join(
        f"{k // 400 + 1}-{k // 20 % 20 + 1}-{k % 20 + 1} 施策の推進\n" for k in range(n)),
    "one title in n pieces of a list": lambda n: "目次\n" + "計画の\n" * n,
    "a long list, each entry a unit of the text": lambda n: "目次\n" + "".join(
        f"{k // 400 + 1}-{k // 20 % 20 + 1}-{k % 20 + 1} 地域福祉の推進 ・・・・ 5\n" for k in range(n // 2)) + "\n\n" + "".join(
        f"{k // 400 + 1}-{k // 20 % 20 + 1}-{k % 20 + 1} 地域福祉の推進計画\n本文です。\n" for k in range(n // 4)),
    "codes, titles and counts going up and down": lambda n: "".join(
        f"参考-{k} 施設の名称 {(k * 7) % 50 + 1}\n" for k in range(1, n)),
    "a run-on list of codes, titles and pages": lambda n: "資料 " + " ".join(
        f"資-{k} 用語の解説 {k + 2}" for k in range(1, n // 3)) + " 本文です。\n",
    "a new level word every two headings": lambda n: "".join(
        f"{chr(0x4E00 + k % 5000)}{chr(0x4E00 + k // 5000)}1 まち\n本文です。\n"
        f"{chr(0x4E00 + k % 5000)}{chr(0x4E00 + k // 5000)}2 ひと\n本文です。\n" for k in range(n // 4)),
}


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of ``cmd``."""
    wall, rss, _ = run_cpu(cmd, env)
    return wall, rss


def run_cpu(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def seeds_text() -> str:
    """The seeds of raw/ concatenated: the plan text the large inputs repeat."""
    return "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt")))


def segment_seconds(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds ``keikaku.extract.document.parse_file`` takes on ``path``, in a fresh process."""
    code = ("import time;from keikaku.extract.document import parse_file;t=time.perf_counter();"
            f"c=time.process_time();parse_file({str(path)!r},'x',None);"
            "print(time.perf_counter()-t,time.process_time()-c)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall, cpu = out.stdout.split()
    return float(wall), float(cpu)


def twenty_mb(folder: Path) -> Path:
    text = seeds_text()
    big = folder / "big.txt"
    big.write_text(text * (20_000_000 // len(text.encode()) + 1), encoding="utf-8")
    return big


def seeds_times(folder: Path, times: int = 70) -> Path:
    path = folder / f"seeds_x{times}.txt"
    path.write_text(seeds_text() * times, encoding="utf-8")
    return path


def lines_plan(folder: Path, n: int) -> Path:
    rows = PLAN_LINES.splitlines()
    path = folder / f"lines_{n}.txt"
    path.write_text("\n".join(rows[i % len(rows)] for i in range(n)) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=BASELINE, help="git ref of the release to compare with")
    parser.add_argument("--lines", default="100000,200000,400000")
    args = parser.parse_args(argv)
    keikaku = [sys.executable, "-m", "keikaku", "run", "--nlp", "none", "-q", "--no-cache"]
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="keikaku-bench-") as tmp:
        folder = Path(tmp)
        plans = {"seeds ×70": (seeds_times(folder), 2.0), "20 MB plan": (twenty_mb(folder), 1.5)}
        worktree = folder / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(worktree), args.baseline],
                       check=True)
        measured = {}
        try:
            env = dict(os.environ, PYTHONPATH=str(worktree / "src"))
            for name, (path, _) in plans.items():
                base = run_cpu(keikaku + [str(path), "--out", str(folder / f"o_base_{path.stem}")], env)
                this = run_cpu(keikaku + [str(path), "--out", str(folder / f"o_new_{path.stem}")])
                measured[name] = (base, this)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=False)
        for name, (path, target) in plans.items():
            (base_wall, base_rss, base_cpu), (wall, rss, cpu) = measured[name]
            size = path.stat().st_size / 2**20
            chars = len(path.read_text(encoding="utf-8"))
            print(f"{name} ({size:.1f} MiB, {chars:,} characters), keikaku run --nlp none:")
            print(f"  baseline {args.baseline}: {base_wall:6.1f} s ({base_cpu:6.1f} s CPU), peak {base_rss:6.0f} MiB")
            print(f"  this tree:        {wall:6.1f} s ({cpu:6.1f} s CPU), peak {rss:6.0f} MiB")
            print(f"  ratio this/baseline: {cpu / base_cpu:.2f} in CPU time, {wall / base_wall:.2f} in wall time"
                  f" (target ≤ {target:g})")
            key = "seeds70" if name.startswith("seeds") else "mb20"
            figures.update({f"{key}_baseline_s": round(base_wall, 2), f"{key}_this_s": round(wall, 2),
                            f"{key}_baseline_cpu_s": round(base_cpu, 2), f"{key}_this_cpu_s": round(cpu, 2),
                            f"{key}_ratio": round(cpu / base_cpu, 3), f"{key}_wall_ratio": round(wall / base_wall, 3),
                            f"{key}_baseline_mib": round(base_rss), f"{key}_this_mib": round(rss)})
        print("segmentation by number of lines (plan-like text repeated):")
        per_line = []
        for n in (int(x) for x in args.lines.split(",")):
            path = lines_plan(folder, n)
            wall, seconds = segment_seconds(path)
            per_line.append((n, seconds))
            print(f"  {n:>9,} lines: {wall:6.2f} s, {seconds:6.2f} s CPU, {seconds / n * 1e6:6.1f} µs CPU per line")
        first = per_line[0][1] / per_line[0][0]
        last = per_line[-1][1] / per_line[-1][0]
        print(f"  CPU time per line, last / first: {last / first:.2f}")
        figures["per_line_ratio"] = round(last / first, 3)
        print("hostile shapes, segmentation at n and 4n rows (CPU time per row, 4n / n; linear is about 1):")
        for name, make in HOSTILE.items():
            times = []
            for n in (4000, 16000):
                path = folder / f"hostile_{n}.txt"
                path.write_text(make(n), encoding="utf-8")
                times.append(segment_seconds(path)[1] / n)
            print(f"  {name:<40} {times[0] * 1e6:7.1f} → {times[1] * 1e6:7.1f} µs per row ({times[1] / times[0]:.2f})")
            figures[f"hostile_{name}"] = round(times[1] / times[0], 2)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
