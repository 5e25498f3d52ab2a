"""The worker processes that build a batch's deals, and their tie to the batch's main process.

A worker ends when the main process ends, however it ends; a report being written when it
is stopped is finished or its temporary file removed.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed

from xl_placement.batch.build import run_job
from xl_placement.batch.jobs import ERROR, Job, Outcome
from xl_placement.errors import PlacementError
from xl_placement.libreoffice import stop_all
from xl_placement.precedents import Selection


def run_all(
    jobs: Sequence[Job], workers: int, force: bool, precedents: Selection | None = None
) -> Iterator[Outcome]:
    """Build the deals, in ``workers`` processes (or this one), yielding each outcome as it is known."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            with collector_paused():
                outcome = run_job(job, force, precedents)
            yield outcome
        return
    _share_with_workers()
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)), initializer=start_worker, initargs=(os.getpid(),)
    )
    try:
        futures: dict[Future[Outcome], Job] = {
            pool.submit(_run_in_worker, job, force, precedents): job for job in jobs
        }
        for future in as_completed(futures):
            job = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker fails its deal only
                outcome = Outcome(
                    job.label, job.row, ERROR, error=f"{job.label}: the worker process failed ({exc})"
                )
            yield outcome
    except BaseException:
        # Ctrl-C: drop the deals not started; the few being built finish their files whole.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one deal is built, then collect its objects once.

    A report is hundreds of thousands of short-lived objects (openpyxl keeps every cell,
    style and XML element as one), so the collector would run hundreds of times during a
    deal, each time walking the objects still alive: about a fifth of a deal's processor
    time. Paused, every object the deal makes stays in the youngest generation, and one
    collection of that generation after the deal frees its workbook (a web of reference
    cycles) without walking the rest of the heap, so memory stays flat however many deals
    a worker builds. A deal that fails is collected with the next one.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
    if enabled:
        gc.collect(0)


def _share_with_workers() -> None:
    """Import the report's modules and parse its template once, here, when workers are forked from this process.

    A forked worker starts with what its parent has loaded: the imports (about 0.3 s of
    processor time) and the parsed template (about 60 ms) are then paid once per batch,
    not once per worker. Workers that are spawned instead import and parse for themselves.
    """
    if multiprocessing.get_start_method() != "fork":
        return
    from xl_placement.report.template import keep_template  # noqa: PLC0415 - openpyxl only for a pool

    with contextlib.suppress(PlacementError):  # a template that cannot be read fails each deal, as before
        keep_template()


#: How often (seconds) a worker checks that the batch's main process is still there.
WATCH_INTERVAL = 0.5
_PR_SET_PDEATHSIG = 1  # prctl option: a signal for this process when its parent ends


def start_worker(main_pid: int) -> None:
    """Set up a worker: it ends when the batch's main process ends, for any reason.

    Ctrl-C goes to the whole process group; workers leave it to the main process, which
    stops the batch cleanly (a worker interrupted mid-deal would report it as failed and
    go on with the next one). SIGTERM makes a worker raise SystemExit, so the report it
    is writing is finished or its temporary file removed. If the main process is killed
    outright (SIGKILL), Linux sends the worker SIGTERM (PR_SET_PDEATHSIG); elsewhere, and
    as a second line of defence, a thread notices within WATCH_INTERVAL that it is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_worker)
    gc.freeze()  # what the worker starts with (modules, the parsed template) is never garbage: no collection walks it
    if sys.platform.startswith("linux"):
        _die_with_parent()
    threading.Thread(target=_watch_main, args=(main_pid,), name="watch-main", daemon=True).start()
    if not _alive(main_pid):  # it ended before the watch began
        os.kill(os.getpid(), signal.SIGTERM)


_building: list[bool] = []  # non-empty while this worker builds a deal


def _run_in_worker(job: Job, force: bool, precedents: Selection | None = None) -> Outcome:
    """run_job in a worker; a SIGTERM in the middle lets the deal's files be finished or removed, then ends."""
    _building.append(True)
    try:
        with collector_paused():
            return run_job(job, force, precedents)
    except SystemExit:
        os._exit(128 + signal.SIGTERM)
    finally:
        _building.clear()


def _exit_worker(_signum: int, _frame: object) -> None:
    """SIGTERM: mid-deal, unwind so write_atomic removes its temporary file; idle, end at once.

    An idle worker must not exit through multiprocessing's own clean-up: that waits to
    flush results into a pipe that nobody reads once the main process is gone.
    """
    # A LibreOffice converting this worker's PDFs runs in a session of its own: stop it, and
    # unwind so the conversion's temporary folder (LibreOffice's lu*.tmp in it) is removed.
    converting = stop_all()
    if _building or converting:
        raise SystemExit(128 + signal.SIGTERM)
    os._exit(128 + signal.SIGTERM)


def _die_with_parent() -> None:
    import ctypes  # noqa: PLC0415 - workers only, Linux only

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _watch_main(main_pid: int) -> None:
    while _alive(main_pid):
        time.sleep(WATCH_INTERVAL)
    os.kill(os.getpid(), signal.SIGTERM)


def _alive(pid: int) -> bool:
    """Whether the process is still there (a worker's parent pid changes when its parent dies)."""
    if os.name == "posix":
        return os.getppid() == pid or _exists(pid)
    return _exists(pid)  # pragma: no cover - Windows


def _exists(pid: int) -> bool:
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would send Ctrl-C on Windows
        import multiprocessing  # noqa: PLC0415

        parent = multiprocessing.parent_process()
        return parent is not None and parent.is_alive()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    # A zombie (killed, not yet reaped) still answers; its parent pid no longer is ours then.
    return os.getppid() == pid
