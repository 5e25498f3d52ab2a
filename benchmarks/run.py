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
TEMPLATE = ROOT / "xl_placement" / "data" / "report.xlsx"
DEMO = ROOT / "examples" / "sensetime.toml"
PDF_DEALS = 100  # reports in the batch --pdf benchmark
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Result:
    """One benchmark: subject against floor."""

    name: str
    subject: float
    floor: float
    unit: str
    goal: float | None  # None: for information, no goal
    note: str = ""
    paired: float | None = None  # median of the per-round ratios, when measured in pairs
    rounds: int = 1

    @property
    def ratio(self) -> float:
        """Subject over floor: the median of the rounds' own ratios when measured in pairs."""
        return self.paired if self.paired is not None else self.subject / self.floor

    @property
    def met(self) -> bool | None:
        """Whether the ratio is within the goal (None when there is no goal)."""
        return None if self.goal is None else self.ratio <= self.goal


@dataclass
class Timing:
    """Medians of interleaved rounds of a subject and its floor."""

    subject: float
    floor: float
    ratio: float  # median of the per-round subject/floor ratios
    rounds: int


def alternate(
    subject: Callable[[], object], floor: Callable[[], object], rounds: int, *, warm_up: bool = True
) -> Timing:
    """Run ``subject`` and ``floor`` in interleaved rounds and take medians.

    Each round times both back to back (the order swaps every round, so neither always
    runs first), which pairs them under the same machine load; the ratio is the median
    of the rounds' own ratios. One untimed warm-up run of each fills the file cache.
    """
    if warm_up:
        floor()
        subject()
    times_s: list[float] = []
    times_f: list[float] = []
    ratios: list[float] = []
    for index in range(rounds):
        pair = ((floor, times_f), (subject, times_s))
        for fn, times in pair if index % 2 == 0 else reversed(pair):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        ratios.append(times_s[-1] / times_f[-1])
    return Timing(statistics.median(times_s), statistics.median(times_f), statistics.median(ratios), rounds)


def result(name: str, timing: Timing, goal: float | None, note: str, unit: str = "s") -> Result:
    """A Result from interleaved timings."""
    return Result(name, timing.subject, timing.floor, unit, goal, note, timing.ratio, timing.rounds)


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def bench_cli(tmp: Path, rounds: int) -> list[Result]:
    """One report from the command line against a fresh Python loading and saving the template.

    The command line loads openpyxl without NumPy (see xl_placement/_lean.py); a second
    row compares it with a floor that does the same, to show its own overhead.
    """
    out = tmp / "cli.xlsx"
    floor_out = tmp / "floor.xlsx"
    floor_code = f"import openpyxl; openpyxl.load_workbook({str(TEMPLATE)!r}).save({str(floor_out)!r})"
    lean_code = "import sys; sys.modules['numpy'] = None; " + floor_code

    def subject() -> None:
        run([str(BIN / "xl-placement"), "build", str(DEMO), "-o", str(out), "--force"])

    timing = alternate(subject, lambda: run([PYTHON, "-c", floor_code]), rounds)
    lean = alternate(subject, lambda: run([PYTHON, "-c", lean_code]), rounds)
    return [
        result(
            "one report from the command line (cold process)",
            timing,
            1.3,
            "floor: a fresh Python loads and saves the template with openpyxl",
        ),
        result(
            "the same, against a floor without NumPy (information)",
            lean,
            None,
            "floor: as above, with openpyxl loaded without NumPy as the command line does",
        ),
    ]


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


def bench_batch(tmp: Path, count: int, rounds: int) -> tuple[Result, Result, Result]:
    """The batch against ``count`` load-and-save cycles in one process; peak memory at count/4 and count."""
    csv_path = tmp / "deals.csv"
    make_batch_csv(csv_path, count)
    quarter = max(count // 4, 1)
    quarter_csv = tmp / "deals-quarter.csv"
    with csv_path.open(encoding="utf-8") as src, quarter_csv.open("w", encoding="utf-8") as dst:
        for line_no, line in enumerate(src):
            if line_no > quarter:
                break
            dst.write(line)
    runs = iter(range(10**6))
    peaks: dict[int, list[float]] = {count: [], quarter: []}
    cpu: dict[str, list[float]] = {"subject": [], "floor": []}

    def subject(source: Path = csv_path, n: int = count) -> None:
        out_dir = tmp / f"batch-{next(runs)}"
        before = _children_cpu()
        peaks[n].append(
            peak_rss([str(BIN / "xl-placement"), "batch", str(source), "--out-dir", str(out_dir)])
        )
        if n == count:
            cpu["subject"].append(_children_cpu() - before)
        shutil.rmtree(out_dir, ignore_errors=True)

    def floor() -> None:
        floor_dir = tmp / f"floor-{next(runs)}"
        floor_dir.mkdir()
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
            f"import run; from pathlib import Path; run.batch_floor({count}, Path({str(floor_dir)!r}))"
        )
        before = _children_cpu()
        run([PYTHON, "-c", code])
        cpu["floor"].append(_children_cpu() - before)
        shutil.rmtree(floor_dir, ignore_errors=True)

    timing = alternate(subject, floor, rounds, warm_up=False)
    for _ in range(max(rounds, 1)):
        subject(quarter_csv, quarter)
    workers = os.cpu_count() or 1
    speed = result(
        f"batch of {count:,} deals ({workers} workers)",
        timing,
        1.0,
        f"floor: {count:,} template load-and-save cycles in one process",
    )
    work = Result(
        f"batch of {count:,} deals, processor time of all its processes (information)",
        statistics.median(cpu["subject"]),
        statistics.median(cpu["floor"]),
        "s",
        None,
        "user+system time, which other load on the machine does not change; "
        f"ideal wall-clock ratio with {workers} free cores: this ratio / {workers}",
    )
    mem = Result(
        f"peak memory, {count:,} deals against {quarter:,}",
        statistics.median(peaks[count]),
        statistics.median(peaks[quarter]),
        "MiB",
        1.15,
        "all processes of the batch together; flat in the number of deals means a ratio near 1",
        rounds=len(peaks[count]),
    )
    return speed, work, mem


def bench_pdf(tmp: Path, count: int, rounds: int) -> Result:
    """``batch --pdf`` of ``count`` deals against LibreOffice alone converting the same reports in one call.

    The floor converts the reports the subject built, with a fresh LibreOffice profile
    (as each batch worker has), so both pay LibreOffice's first start once per process.
    """
    csv_path = tmp / "pdf-deals.csv"
    make_batch_csv(csv_path, count)
    runs = iter(range(10**6))
    built = tmp / "pdf-reports"
    run([str(BIN / "xl-placement"), "batch", str(csv_path), "--out-dir", str(built)])
    reports = sorted(str(p) for p in built.glob("*.xlsx") if p.name != "summary.xlsx")

    def subject() -> None:
        out_dir = tmp / f"pdf-batch-{next(runs)}"
        run([str(BIN / "xl-placement"), "batch", str(csv_path), "--out-dir", str(out_dir), "--pdf"])
        shutil.rmtree(out_dir, ignore_errors=True)

    def floor() -> None:
        work = tmp / f"pdf-floor-{next(runs)}"
        profile = work / "profile"
        soffice = shutil.which("soffice") or "soffice"
        command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
        run([*command, "--convert-to", "pdf", "--outdir", str(work), *reports])
        shutil.rmtree(work, ignore_errors=True)

    timing = alternate(subject, floor, rounds, warm_up=False)
    workers = os.cpu_count() or 1
    return result(
        f"batch --pdf of {count:,} deals ({workers} workers)",
        timing,
        1.5,
        f"floor: LibreOffice alone converting the same {count:,} reports to PDF in one call",
    )


def _children_cpu() -> float:
    """User plus system seconds of this process's finished children so far."""
    import resource  # noqa: PLC0415 - POSIX only

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_rss(cmd: list[str], interval: float = 0.05) -> float:
    """Run ``cmd``; return the peak of the summed resident memory of it and its children, in MiB.

    On Linux the process tree is sampled from /proc every ``interval`` seconds (workers
    count together, as the machine sees them); the whole of /proc is scanned for new
    children only every tenth sample, so sampling costs about 1% of a core. Elsewhere:
    the largest single process.
    """
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    if Path("/proc/self/stat").exists():
        tree = {proc.pid}
        samples = 0
        while proc.poll() is None:
            if samples % 10 == 0:
                tree = _descendants(proc.pid)
            peak = max(peak, sum(_rss_bytes(pid) for pid in tree))
            samples += 1
            time.sleep(interval)
    _, err = proc.communicate()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd, stderr=err)
    if not peak:
        import resource  # noqa: PLC0415 - POSIX only

        return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return peak / 2**20


def _stat_fields(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state, ppid, ...)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def _descendants(root: int) -> set[int]:
    """``root`` and every process below it."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat_fields(entry.name)[1])
            except (OSError, ValueError, IndexError):
                continue
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def _rss_bytes(pid: int) -> int:
    try:
        return int(_stat_fields(pid)[21]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0  # the process has ended


def bench_udfs(rounds: int) -> list[Result]:
    import numpy as np  # noqa: PLC0415

    sys.path.insert(0, str(ROOT))
    import placement  # noqa: PLC0415

    rng = random.Random(7)
    n = 100_000
    closes = [[rng.uniform(1, 3)] for _ in range(n)]
    # Weights of similar size (a use below 1E-9 of the total is refused as bad input).
    weights = [[rng.uniform(0.5, 1.5)] for _ in range(n)]
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

    # The subjects must compute, not return an error text: check once before timing.
    sample = placement.ALLOCATE_PROCEEDS(3_247_000_000, weights)
    if not isinstance(sample, list) or len(sample) != n:
        raise SystemExit(f"ALLOCATE_PROCEEDS did not allocate: {str(sample)[:200]}")
    if not isinstance(placement.PLACEMENT_DISCOUNT(1.91, closes), float):
        raise SystemExit("PLACEMENT_DISCOUNT did not compute a discount")
    discount = alternate(lambda: placement.PLACEMENT_DISCOUNT(1.91, closes), np_discount, rounds)
    allocation = alternate(lambda: placement.ALLOCATE_PROCEEDS(3_247_000_000, weights), np_allocate, rounds)
    note = "floor: the same arithmetic in NumPy from the same lists"
    return [
        result("PLACEMENT_DISCOUNT on 100,000 closes", discount, 3.0, note),
        result("ALLOCATE_PROCEEDS on 100,000 weights", allocation, 3.0, note),
    ]


def bench_import(rounds: int) -> Result:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    timing = alternate(
        lambda: subprocess.run([PYTHON, "-c", "import placement"], check=True, env=env, cwd=ROOT),
        lambda: subprocess.run([PYTHON, "-c", "import xlwings"], check=True, env=env, cwd=ROOT),
        rounds,
    )
    return result("import of placement.py (what Excel loads)", timing, 1.5, "floor: import xlwings alone")


def bench_check(rounds: int) -> Result:
    """`xl-placement check` of a deal file against `import xl_placement`: what check adds to the import."""
    check = [str(BIN / "xl-placement"), "check", str(DEMO)]
    timing = alternate(
        lambda: subprocess.run(check, check=True, cwd=ROOT, stdout=subprocess.DEVNULL),
        lambda: subprocess.run([PYTHON, "-c", "import xl_placement"], check=True, cwd=ROOT),
        rounds,
    )
    return result(
        "xl-placement check of the demo deal (cold process)",
        timing,
        1.3,
        "floor: import xl_placement alone; check loads no openpyxl",
    )


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (Linux), else what platform reports."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, or "unknown"."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> str:
    """Where the figures come from: system, cores, CPU model, Python version."""
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu_model()}, "
        f"Python {platform.python_version()}"
    )


def table(results: list[Result]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| benchmark | subject | floor | ratio | goal | met | rounds |",
        "|---|---:|---:|---:|---:|:---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.subject:.3f} {r.unit} | {r.floor:.3f} {r.unit} | {r.ratio:.2f}x | "
            f"{'-' if r.goal is None else f'<= {r.goal:.2f}x'} | "
            f"{'-' if r.met is None else 'yes' if r.met else 'no'} | {r.rounds} |"
        )
    return "\n".join(lines)


def compile_bytecode() -> None:
    """Compile the project's modules to bytecode, as installing the wheel does.

    pip compiles an installed package (openpyxl, the floor's, is compiled in site-packages);
    an editable install is not, and with PYTHONDONTWRITEBYTECODE set Python never writes the
    cache itself, so every cold start would compile xl-placement's sources again (about
    100 ms) and the benchmark would time the compiler, not what a user runs.
    """
    import compileall  # noqa: PLC0415 - only here

    compileall.compile_dir(str(ROOT / "xl_placement"), quiet=1)
    for module in ("placement.py", "xl_placement_cli.py"):
        compileall.compile_file(str(ROOT / module), quiet=1)


def main() -> int:
    """Run every benchmark, print the table and write benchmarks/results.md and results.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rounds", type=int, default=7, help="interleaved rounds of each timed pair (default 7)"
    )
    parser.add_argument("--deals", type=int, default=1000, help="deals in the batch benchmark (default 1000)")
    parser.add_argument(
        "--batch-rounds",
        type=int,
        default=1,
        help="interleaved rounds of the batch and its floor (default 1)",
    )
    parser.add_argument("--quick", action="store_true", help="3 rounds and 100 deals, for a smoke run")
    parser.add_argument(
        "--only",
        choices=("import", "check", "cli", "udfs", "batch", "pdf"),
        action="append",
        help="run only these",
    )
    args = parser.parse_args()
    rounds, deals, batch_rounds = (3, 100, 1) if args.quick else (args.rounds, args.deals, args.batch_rounds)
    only = set(args.only or ("import", "check", "cli", "udfs", "batch", "pdf"))
    compile_bytecode()
    tmp = Path(tempfile.mkdtemp(prefix="xlp-bench-"))
    load_before = load_average()
    started = time.time()
    try:
        results = [
            *([bench_import(rounds)] if "import" in only else []),
            *([bench_check(rounds)] if "check" in only else []),
            *(bench_cli(tmp, rounds) if "cli" in only else []),
            *(bench_udfs(rounds) if "udfs" in only else []),
            *(bench_batch(tmp, deals, batch_rounds) if "batch" in only else []),
            *([bench_pdf(tmp, PDF_DEALS, batch_rounds)] if "pdf" in only and shutil.which("soffice") else []),
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = load_average()
    text = table(results)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    header = (
        f"Measured {stamp} on {machine()}.\n"
        f"Load average before: {load_before}; after: {load_after}. Command: `{command.strip()}`.\n"
        "Each ratio is the median of interleaved rounds' own subject/floor ratios; times are medians.\n"
    )
    print(header)
    print(text)
    (ROOT / "benchmarks" / "results.md").write_text(f"{header}\n{text}\n", encoding="utf-8")
    data = {
        "measured": stamp,
        "machine": machine(),
        "load_average": {"before": load_before, "after": load_after},
        "command": command.strip(),
        "results": [{**r.__dict__, "ratio": r.ratio, "met": r.met} for r in results],
    }
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
