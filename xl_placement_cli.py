"""Start the ``xl-placement`` command so that Ctrl-C or SIGTERM at any moment ends it quietly.

The console script runs this small module rather than ``xl_placement.cli``: importing
the package takes about 100 ms, and a Ctrl-C during an import would print Python's
traceback. Its first act is to make SIGINT and SIGTERM end the process at once with
one line and status 130 (143 for SIGTERM) while nothing has been written yet; the
command line then handles them itself (it finishes or removes what it was writing);
and once the command has finished, a late signal still ends the process with that
status after the clean-up at exit, never with a traceback.
"""

# No "from __future__ import annotations": even that is an import a Ctrl-C could land in.
# The C module: "import signal" would first import enum, long enough for a Ctrl-C to land in it.
import _signal as signal  # type: ignore[import-not-found]  # no stub: the same functions as signal
import atexit
import os
import sys

_stopped_by: list[int] = []


def _message(signum: int) -> bytes:
    what = "interrupted" if signum == signal.SIGINT else "stopped (SIGTERM)"
    return f"error: {what}; no file was left half-written\n".encode()


def _stop_now(signum: int, _frame: object) -> None:
    """Before the command runs (imports): nothing is open, so end at once."""
    os.write(2, _message(signum))
    os._exit(128 + signum)


def _remember(signum: int, _frame: object) -> None:
    """After the command ran: let the clean-up at exit finish, then end with the signal's status."""
    if not _stopped_by:
        _stopped_by.append(signum)


def _exit_if_stopped() -> None:
    """Registered first, so it runs last at exit: a signal that came late still sets the status.

    From here on the signals are held: one that came during Python's own shutdown, after its
    handlers are gone, would otherwise end the process silently (status -15, no message).
    """
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        _stopped_by.extend(sorted(signal.sigpending() & set(_SIGNALS)))
    if _stopped_by:
        for stream in (sys.stdout, sys.stderr):
            try:  # noqa: SIM105 - contextlib would be one more import before the handlers
                stream.flush()
            except (OSError, ValueError):
                pass
        os.write(2, _message(_stopped_by[0]))
        os._exit(128 + _stopped_by[0])


_SIGNALS = [signal.SIGINT, signal.SIGTERM] if hasattr(signal, "SIGTERM") else [signal.SIGINT]


def main() -> int:
    """Run the command line with signals handled from the first moment (the console script's entry)."""
    atexit.register(_exit_if_stopped)
    signals = _SIGNALS
    for signum in signals:
        signal.signal(signum, _stop_now)
    from xl_placement import cli  # noqa: PLC0415 - imported after the handlers are in place

    try:
        code = cli.main()  # installs the handlers that raise, for the command's own clean-up
    except KeyboardInterrupt as exc:  # a signal during the command's own error handling
        code = cli.report_interrupt(exc)
    finally:
        for signum in signals:
            signal.signal(signum, _remember)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
