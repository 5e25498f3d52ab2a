"""Benchmarks for xl-placement: each figure is a ratio against a floor measured in the same run.

Run with ``make bench``. Prints a table and writes benchmarks/results.md and results.json.
The machine is noisy, so every measurement alternates the subject and its floor and takes
the median of several rounds.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
TEMPLATE = ROOT / "templates" / "report.xlsx"
DEMO = ROOT / "examples" / "sensetime.toml"


@dataclass
class Result:
    """One benchmark: subject against floor."""

    name: str
    subject: float
    floor: float
    unit: str
    goal: float
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.subject / self.floor

    @property
    def met(self) -> bool:
        return self.ratio <= self.goal


def alternate(subject: Callable[[], object], floor: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median seconds of ``subject`` and ``floor``, run alternately ``rounds`` times each."""
    times_s, times_f = [], []
    for _ in range(rounds):
        for fn, times in ((floor, times_f), (subject, times_s)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(times_s), statistics.median(times_f)


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def bench_cli(tmp: Path, rounds: int) -> Result:
    out = tmp / "cli.xlsx"
    floor_out = tmp / "floor.xlsx"
    floor_code = f"import openpyxl; openpyxl.load_workbook({str(TEMPLATE)!r}).save({str(floor_out)!r})"
    s, f = alternate(
        lambda: run([str(BIN / "xl-placement"), "build", str(DEMO), "-o", str(out), "--force"]),
        lambda: run([PYTHON, "-c", floor_code]),
        rounds,
    )
    return Result(
        "one report from the command line (cold process)",
        s,
        f,
        "s",
        1.3,
        "floor: a fresh Python loads and saves the template with openpyxl",
    )


def make_batch_csv(path: Path, count: int) -> None:
    """A CSV of ``count`` deals varying the demo deal's price, shares and last close."""
    rng = random.Random(20261125)
    header = [
        "issuer.name",
        "issuer.stock_code",
        "issuer.exchange",
        "issuer.currency",
        "placing.new_shares",
        "placing.price",
        "placing.shares_outstanding",
        "placing.min_placees",
        "market.last_close",
        "market.average_close_5d",
        "proceeds.basis",
        "proceeds.decimals",
        "proceeds.uses.0.name",
        "proceeds.uses.0.share",
        "proceeds.uses.1.name",
        "proceeds.uses.1.share",
    ]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for index in range(count):
            close = round(rng.uniform(1, 100), 2)
            writer.writerow(
                [
                    f"Issuer {index}",
                    f"{index:04d}",
                    "HKEX",
                    "HKD",
                    rng.randrange(10**6, 10**9),
                    round(close * rng.uniform(0.8, 1.0), 2),
                    10**10,
                    6,
                    close,
                    round(close * rng.uniform(0.95, 1.05), 3),
                    "net",
                    0,
                    "Growth",
                    "60%",
                    "Working capital",
                    "40%",
                ]
            )


def batch_floor(count: int, tmp: Path) -> None:
    import openpyxl  # noqa: PLC0415 - the floor measures its own import like the subject

    for index in range(count):
        openpyxl.load_workbook(TEMPLATE).save(tmp / f"floor-{index}.xlsx")


def bench_batch(tmp: Path, count: int) -> tuple[Result, Result]:
    csv_path = tmp / "deals.csv"
    make_batch_csv(csv_path, count)
    floor_dir = tmp / "floor"
    floor_dir.mkdir()
    start = time.perf_counter()
    run(
        [
            PYTHON,
            "-c",
            f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
            f"import run; from pathlib import Path; run.batch_floor({count}, Path({str(floor_dir)!r}))",
        ]
    )
    floor = time.perf_counter() - start
    memory = {}
    subject = 0.0
    for n in (count // 4, count):
        sub_csv = tmp / f"deals-{n}.csv"
        with csv_path.open(encoding="utf-8") as src, sub_csv.open("w", encoding="utf-8") as dst:
            for line_no, line in enumerate(src):
                if line_no > n:
                    break
                dst.write(line)
        out_dir = tmp / f"batch-{n}"
        start = time.perf_counter()
        peak = peak_rss([str(BIN / "xl-placement"), "batch", str(sub_csv), "--out-dir", str(out_dir)])
        subject = time.perf_counter() - start
        memory[n] = peak
    workers = os.cpu_count() or 1
    speed = Result(
        f"batch of {count:,} deals ({workers} workers)",
        subject,
        floor,
        "s",
        1.0,
        f"floor: {count:,} template load-and-save cycles in one process",
    )
    mem = Result(
        f"peak memory, {count:,} deals against {count // 4:,}",
        memory[count],
        memory[count // 4],
        "MiB",
        1.15,
        "flat in the number of deals means a ratio near 1",
    )
    return speed, mem


def peak_rss(cmd: list[str]) -> float:
    """Run ``cmd`` and return the peak resident memory of it and its children, in MiB."""
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "stdout=subprocess.DEVNULL); r = resource.getrusage(resource.RUSAGE_CHILDREN); print(r.ru_maxrss)"
    )
    out = subprocess.run([PYTHON, "-c", code, *cmd], check=True, cwd=ROOT, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def bench_udfs(rounds: int) -> list[Result]:
    import numpy as np  # noqa: PLC0415

    sys.path.insert(0, str(ROOT))
    import placement  # noqa: PLC0415

    rng = random.Random(7)
    n = 100_000
    closes = [[rng.uniform(1, 3)] for _ in range(n)]
    weights = [[rng.random()] for _ in range(n)]
    total = sum(w[0] for w in weights)
    weights = [[w[0] / total] for w in weights]

    def np_discount() -> object:
        return 1 - 1.91 / np.asarray(closes, dtype=float).mean()

    def np_allocate() -> object:
        arr = np.asarray(weights, dtype=float).ravel()
        units = 324_700_000_000
        quota = units * arr / arr.sum()
        floors = np.floor(quota)
        left = int(units - floors.sum())
        order = np.argsort(-(quota - floors), kind="stable")[:left]
        floors[order] += 1
        return (floors / 100).reshape(-1, 1).tolist()

    s1, f1 = alternate(lambda: placement.PLACEMENT_DISCOUNT(1.91, closes), np_discount, rounds)
    s2, f2 = alternate(lambda: placement.ALLOCATE_PROCEEDS(3_247_000_000, weights), np_allocate, rounds)
    return [
        Result("PLACEMENT_DISCOUNT on 100,000 closes", s1, f1, "s", 3.0, "floor: NumPy from the same lists"),
        Result("ALLOCATE_PROCEEDS on 100,000 weights", s2, f2, "s", 3.0, "floor: NumPy from the same lists"),
    ]


def bench_import(rounds: int) -> Result:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    s, f = alternate(
        lambda: subprocess.run([PYTHON, "-c", "import placement"], check=True, env=env, cwd=ROOT),
        lambda: subprocess.run([PYTHON, "-c", "import xlwings"], check=True, env=env, cwd=ROOT),
        rounds,
    )
    return Result("import of placement.py (what Excel loads)", s, f, "s", 1.5, "floor: import xlwings alone")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()} ({cpu})"


def table(results: list[Result]) -> str:
    lines = [
        "| benchmark | subject | floor | ratio | goal | met |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.subject:.3f} {r.unit} | {r.floor:.3f} {r.unit} | {r.ratio:.2f}x | "
            f"<= {r.goal:.2f}x | {'yes' if r.met else 'no'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7, help="rounds of each timed pair (default 7)")
    parser.add_argument("--deals", type=int, default=1000, help="deals in the batch benchmark (default 1000)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and 100 deals, for a smoke run")
    args = parser.parse_args()
    rounds, deals = (3, 100) if args.quick else (args.rounds, args.deals)
    tmp = Path(tempfile.mkdtemp(prefix="xlp-bench-"))
    try:
        results = [
            bench_import(rounds),
            bench_cli(tmp, rounds),
            *bench_udfs(rounds),
            *bench_batch(tmp, deals),
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = table(results)
    stamp = time.strftime("%Y-%m-%d")
    print(text)
    (ROOT / "benchmarks" / "results.md").write_text(
        f"Measured {stamp} on {machine()}.\n\n{text}\n", encoding="utf-8"
    )
    (ROOT / "benchmarks" / "results.json").write_text(
        json.dumps([{**r.__dict__, "ratio": r.ratio, "met": r.met} for r in results], indent=2) + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
