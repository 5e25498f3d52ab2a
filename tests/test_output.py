"""Faults on output (issue 8.4): the old file survives byte-identical or the new one is complete."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from xl_placement import output
from xl_placement.errors import OutputError, OutputExistsError, OutputLockedError
from xl_placement.output import write_atomic

OLD = b"old report " * 1000
NEW = b"new report " * 2000


def leftovers(folder: Path) -> list[str]:
    """Names of temporary files left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    target = tmp_path / "report.xlsx"
    target.write_bytes(OLD)
    return target


class HalfWriter:
    """A file stream that writes half of what it is given, then fails like a full disk or a bad sector."""

    def __init__(self, stream: Any, error: OSError) -> None:
        self.stream = stream
        self.error = error

    def __enter__(self) -> HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()

    def write(self, data: bytes) -> int:
        self.stream.write(data[: len(data) // 2])
        self.stream.flush()
        raise self.error


def fail_halfway(monkeypatch: pytest.MonkeyPatch, error: OSError) -> None:
    real_fdopen = os.fdopen
    monkeypatch.setattr(output.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode), error))


def test_new_file_is_written_whole_with_normal_permissions(tmp_path: Path) -> None:
    """A new target gets exactly the bytes, honours the umask (not mkstemp's 0600) and leaves no temp file."""
    old_umask = os.umask(0o022)
    try:
        target = write_atomic(tmp_path / "sub" / "report.xlsx", NEW)
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == NEW
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert leftovers(target.parent) == []


def test_existing_file_is_not_replaced_without_force(existing: Path) -> None:
    """Without force an existing target is an error that says how to replace it, and it stays as it was."""
    with pytest.raises(OutputExistsError, match=r"already exists; it was not replaced$"):
        write_atomic(existing, NEW)
    assert existing.read_bytes() == OLD
    assert leftovers(existing.parent) == []


def test_force_replaces_and_keeps_permissions(existing: Path) -> None:
    """With force the target is replaced by the complete new bytes and keeps its permission bits."""
    existing.chmod(0o640)
    write_atomic(existing, NEW, force=True)
    assert existing.read_bytes() == NEW
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640


def test_failure_halfway_through_saving_keeps_old_file(
    existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An I/O error after half the bytes are written leaves the old file byte-identical and no temp file."""
    fail_halfway(monkeypatch, OSError(errno.EIO, "Input/output error"))
    with pytest.raises(OutputError, match="Input/output error; the previous file is unchanged"):
        write_atomic(existing, NEW, force=True)
    assert existing.read_bytes() == OLD
    assert leftovers(existing.parent) == []


def test_disk_full_is_reported_and_nothing_changes(existing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC while writing says the disk is full and leaves the old file and no temp file."""
    fail_halfway(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OutputError, match="the disk is full; the previous file is unchanged"):
        write_atomic(existing, NEW, force=True)
    assert existing.read_bytes() == OLD
    assert leftovers(existing.parent) == []


def test_disk_full_on_a_new_file_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC writing a new target leaves neither a partial target nor a temp file."""
    fail_halfway(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    target = tmp_path / "report.xlsx"
    with pytest.raises(OutputError, match="the disk is full; no file was written"):
        write_atomic(target, NEW)
    assert list(tmp_path.iterdir()) == []


def test_read_only_folder_is_reported(existing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder that refuses new files (EACCES, as a read-only folder gives a normal user) is reported, nothing changes.

    Tests run as root, whom chmod does not stop, so the refusal is injected at os.open.
    """
    real_open = os.open

    def refuse(path: Any, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith(".tmp"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(output.os, "open", refuse)
    with pytest.raises(OutputError, match=r"cannot write to the folder .*permission denied"):
        write_atomic(existing, NEW, force=True)
    assert existing.read_bytes() == OLD
    assert leftovers(existing.parent) == []


def test_read_only_file_system_is_reported(existing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EROFS on the rename (a read-only mount) is reported as such and the old file stays."""

    def read_only(*_args: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(output.os, "replace", read_only)
    with pytest.raises(OutputError, match="the file system is read-only; the previous file is unchanged"):
        write_atomic(existing, NEW, force=True)
    assert existing.read_bytes() == OLD
    assert leftovers(existing.parent) == []


def test_path_under_a_file_is_reported(tmp_path: Path) -> None:
    """A target whose folder is really a file gives a clear error (a real failure, no injection)."""
    blocker = tmp_path / "reports"
    blocker.write_text("I am a file")
    with pytest.raises(OutputError, match="part of the path is a file"):
        write_atomic(blocker / "report.xlsx", NEW)
    assert blocker.read_text() == "I am a file"


def test_target_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    """A folder given as the output file is refused with a hint, even with force."""
    with pytest.raises(OutputError, match="is a folder; give a file name"):
        write_atomic(tmp_path, NEW, force=True)


def test_target_open_in_another_program(existing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PermissionError on replace (Windows, file open in Excel) says the file is open; old file and no temp remain."""

    def locked(*_args: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output.os, "replace", locked)
    with pytest.raises(OutputLockedError, match="is open in another program"):
        write_atomic(existing, NEW, force=True)
    assert existing.read_bytes() == OLD
    assert leftovers(existing.parent) == []


@pytest.mark.parametrize("owner", ["~$report.xlsx", "~$port.xlsx"])
def test_excel_owner_file_means_open(existing: Path, owner: str) -> None:
    """Excel's ~$ owner file beside the target (both naming forms) is reported as the file being open."""
    (existing.parent / owner).write_bytes(b"user")
    with pytest.raises(OutputLockedError, match="open in Excel"):
        write_atomic(existing, NEW, force=True)
    assert existing.read_bytes() == OLD
    assert leftovers(existing.parent) == []


def test_interrupt_while_saving_cleans_up(existing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during the write propagates, removes the temp file and leaves the old file."""

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(existing, NEW, force=True)
    assert existing.read_bytes() == OLD
    assert leftovers(existing.parent) == []


def test_race_for_a_new_target_has_one_winner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When another run creates the target between the check and the link, this run fails instead of overwriting it."""
    target = tmp_path / "report.xlsx"
    real_link = os.link

    def other_run_first(src: Any, dst: Any) -> None:
        monkeypatch.setattr(output.os, "link", real_link)
        write_atomic(target, OLD)  # the other run, finishing just before this one
        real_link(src, dst)

    monkeypatch.setattr(output.os, "link", other_run_first)
    with pytest.raises(OutputExistsError):
        write_atomic(target, NEW)
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_file_systems_without_hard_links_still_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where hard links are not supported (EPERM) the new file is still written and no temp file remains."""

    def no_links(*_args: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(output.os, "link", no_links)
    target = write_atomic(tmp_path / "report.xlsx", NEW)
    assert target.read_bytes() == NEW
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("how", ["no os.link (Pyodide)", "EPERM"])
def test_without_hard_links_an_existing_file_is_still_never_replaced(
    existing: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """With no hard links at all (Pyodide has no os.link) or none on this file system, no force still means no overwrite."""
    if how == "EPERM":

        def no_links(*_args: object) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(output.os, "link", no_links)
    else:
        monkeypatch.delattr(output.os, "link")
    with pytest.raises(OutputExistsError):
        write_atomic(existing, NEW)
    assert existing.read_bytes() == OLD
    fresh = write_atomic(existing.parent / "new.xlsx", NEW)
    assert fresh.read_bytes() == NEW
    assert sorted(p.name for p in existing.parent.iterdir()) == sorted([existing.name, "new.xlsx"])


def test_without_os_link_a_race_for_a_new_target_has_one_winner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without os.link, a file another run creates just before this one claims the name is kept, not replaced."""
    target = tmp_path / "report.xlsx"
    monkeypatch.delattr(output.os, "link")
    real_open = os.open

    def other_run_first(path: Any, flags: int, mode: int = 0o777) -> int:
        if Path(path) == target:
            monkeypatch.setattr(output.os, "open", real_open)
            target.write_bytes(OLD)  # the other run, finishing just before this one
        return real_open(path, flags, mode)

    monkeypatch.setattr(output.os, "open", other_run_first)
    with pytest.raises(OutputExistsError):
        write_atomic(target, NEW)
    assert target.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def run_together(count: int, job: Any) -> list[BaseException | None]:
    """Start ``count`` threads at the same moment; return each one's exception (or None)."""
    barrier = threading.Barrier(count)
    results: list[BaseException | None] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            job(index)
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertions
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_forced_writes_leave_one_complete_file(existing: Path) -> None:
    """Runs replacing the same target at once leave exactly one run's complete bytes and no temp files."""
    payloads = [bytes([65 + i]) * 3_000_000 for i in range(4)]
    for _ in range(5):
        errors = run_together(4, lambda i: write_atomic(existing, payloads[i], force=True))
        assert errors == [None] * 4
        assert existing.read_bytes() in payloads
        assert leftovers(existing.parent) == []


def test_concurrent_new_writes_have_exactly_one_winner(tmp_path: Path) -> None:
    """Runs creating the same new target at once: one succeeds, the others are told it exists."""
    payloads = [bytes([65 + i]) * 1_000_000 for i in range(4)]
    for round_number in range(5):
        target = tmp_path / f"report{round_number}.xlsx"
        errors = run_together(4, lambda i, t=target: write_atomic(t, payloads[i]))
        assert sum(e is None for e in errors) == 1
        assert all(isinstance(e, OutputExistsError) for e in errors if e is not None)
        assert target.read_bytes() == payloads[errors.index(None)]
    assert leftovers(tmp_path) == []
