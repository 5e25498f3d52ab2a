"""The VBA project inside placement.xlsm, built from the installed xlwings' own standalone project.

XlsxWriter embeds a ``vbaProject.bin`` but cannot author VBA, so this module makes one:
it reads the VBA project of xlwings' ``quickstart_standalone.xlsm`` (the ``xlwings``
module, its ``Dictionary`` class and the empty document modules, all left byte for
byte as xlwings ships them) and replaces xlwings' sample module ``Module1`` (its
``SampleCall`` macro) with the module ``Placement``, whose one macro ``BuildReport``
the button runs. The source of every module is in ``docs/vba/``.

The new module is stored as source only, with no compiled p-code, which is what the
VBA file format asks of a writer (MS-OVBA 2.3.4.3): Excel compiles it from this
source on first use, so what runs is exactly the source shown in ``docs/vba/``.
The project's ``_VBA_PROJECT`` stream, as xlwings ships it, already marks the project
as version-independent (0xFFFF), so Excel recompiles every module from source.

The container is an OLE compound file (MS-CFB, version 3), written here by a small,
deterministic writer: the same inputs give the same bytes.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from xl_placement._optional import require
from xl_placement.errors import TemplateError

MODULE_NAME = "Placement"
MACRO_NAME = "BuildReport"
REPLACED_MODULE = "Module1"  # xlwings' sample module (SampleCall), replaced by MODULE_NAME
CODE_PAGE = "cp1252"  # the project's PROJECTCODEPAGE (1252)


def module_source() -> str:
    """The VBA source of the ``Placement`` module (CRLF line ends), as shipped in the package."""
    text = resources.files("xl_placement").joinpath("data", "Placement.bas").read_text("utf-8")
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def xlwings_standalone() -> Path:
    """The installed xlwings' standalone quickstart workbook."""
    xlwings = require("xlwings", extra="excel", purpose="Building placement.xlsm")
    path = Path(str(xlwings.__file__)).parent / "quickstart_standalone.xlsm"
    if not path.is_file():
        raise TemplateError(f"{path} is missing; reinstall xlwings (pip install --force-reinstall xlwings)")
    return path


def xlwings_vba_project() -> bytes:
    """The ``xl/vbaProject.bin`` of the installed xlwings' standalone workbook, unchanged."""
    with zipfile.ZipFile(xlwings_standalone()) as archive:
        return archive.read("xl/vbaProject.bin")


def build_vba_project(source: bytes | None = None) -> bytes:
    """Build placement.xlsm's VBA project from xlwings' standalone one.

    Every module is stored as source only: xlwings' modules keep their source byte for
    byte, their compiled p-code caches are dropped (MS-OVBA: a reader MUST ignore them),
    and ``Module1`` (xlwings' ``SampleCall`` sample) is replaced by ``Placement``.

    Args:
        source: a ``vbaProject.bin`` to start from (default: the installed xlwings').

    Returns:
        The new ``vbaProject.bin``.

    Raises:
        TemplateError: the starting project does not have the expected shape.
    """
    streams = read_compound_file(source if source is not None else xlwings_vba_project())
    directory = decompress(streams["VBA/dir"])
    offsets = module_offsets(directory)
    if REPLACED_MODULE not in offsets:
        raise TemplateError(f"xlwings' VBA project has no {REPLACED_MODULE} module to replace")
    for name, offset in offsets.items():
        streams[f"VBA/{name}"] = streams[f"VBA/{name}"][offset:]  # source only: no p-code cache
    del streams[f"VBA/{REPLACED_MODULE}"]
    streams[f"VBA/{MODULE_NAME}"] = compress(module_source().encode(CODE_PAGE))
    streams["VBA/dir"] = compress(_rewrite_dir(directory))
    streams["PROJECT"] = _rename_in_project(streams["PROJECT"])
    streams["PROJECTwm"] = _rename_in_name_map(streams["PROJECTwm"])
    return write_compound_file(streams)


def module_offsets(directory: bytes) -> dict[str, int]:
    """Each module's stream name and where its source starts (MODULEOFFSET), from a ``dir`` stream."""
    offsets: dict[str, int] = {}
    name = ""
    for record_id, body in _records(directory):
        if record_id == _MODULESTREAMNAME:
            name = body.decode(CODE_PAGE)
        elif record_id == _MODULEOFFSET:
            offsets[name] = struct.unpack("<I", body)[0]
    return offsets


def module_sources(project: bytes) -> dict[str, str]:
    """The source text of every module of a ``vbaProject.bin``, by module stream name."""
    streams = read_compound_file(project)
    offsets = module_offsets(decompress(streams["VBA/dir"]))
    return {
        name: decompress(streams[f"VBA/{name}"][offset:]).decode(CODE_PAGE)
        for name, offset in offsets.items()
    }


def write_module_sources(project: bytes, folder: str | Path) -> list[Path]:
    """Write each module's source to ``folder`` (``docs/vba/``) as ``.bas`` or ``.cls``, LF line ends."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in module_sources(project).items():
        is_class = "Attribute VB_Base = " in source or "Attribute VB_PredeclaredId" in source
        path = target / f"{name}{'.cls' if is_class else '.bas'}"
        path.write_text(source.replace("\r\n", "\n"), encoding="utf-8", newline="\n")
        written.append(path)
    return written


def read_compound_file(data: bytes) -> dict[str, bytes]:
    """Every stream of an OLE compound file, by path (``"VBA/dir"``): a small MS-CFB reader."""
    if data[:8] != _SIGNATURE or len(data) < _SECTOR:
        raise TemplateError("xlwings' vbaProject.bin is not an OLE compound file")
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    sector = 1 << shift
    fat_count, dir_start, _, cutoff, mini_fat_start, _, difat_start, difat_count = struct.unpack_from(
        "<8I", data, 44
    )
    fat_sectors = list(struct.unpack_from("<109I", data, 76))
    next_difat = difat_start
    for _ in range(difat_count):
        block = _sector(data, next_difat, sector)
        *more, next_difat = struct.unpack(f"<{sector // 4}I", block)
        fat_sectors += more
    fat_bytes = b"".join(_sector(data, n, sector) for n in fat_sectors[:fat_count])
    fat = struct.unpack(f"<{len(fat_bytes) // 4}I", fat_bytes)

    def chain(start: int, table: Sequence[int]) -> list[int]:
        found: list[int] = []
        while start < len(table) and len(found) <= len(table):
            found.append(start)
            start = table[start]
        return found

    def read(start: int) -> bytes:
        return b"".join(_sector(data, n, sector) for n in chain(start, fat))

    directory = read(dir_start)
    entries = [_parse_entry(directory[i : i + 128]) for i in range(0, len(directory), 128)]
    mini_stream = read(entries[0].start)
    mini_fat_bytes = read(mini_fat_start) if mini_fat_start < len(fat) else b""
    mini_fat = struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes)
    mini = 1 << mini_shift
    streams: dict[str, bytes] = {}

    def walk(index: int, prefix: str, depth: int) -> None:
        if index >= len(entries) or depth > 64:
            return
        entry = entries[index]
        walk(entry.left, prefix, depth + 1)
        walk(entry.right, prefix, depth + 1)
        path = prefix + entry.name
        if entry.kind == _STORAGE:
            walk(entry.child, path + "/", depth + 1)
        elif entry.kind == _STREAM:
            size = entry.size
            if size < cutoff:
                body = b"".join(mini_stream[n * mini : (n + 1) * mini] for n in chain(entry.start, mini_fat))
            else:
                body = read(entry.start)
            streams[path] = body[:size]

    walk(entries[0].child, "", 0)
    return streams


def _sector(data: bytes, number: int, size: int) -> bytes:
    start = (number + 1) * size
    return data[start : start + size]


def _parse_entry(raw: bytes) -> _Entry:
    name_length, kind, _, left, right, child = struct.unpack_from("<HBB3I", raw, 64)
    start, size = struct.unpack_from("<IQ", raw, 116)
    name = raw[: max(name_length - 2, 0)].decode("utf-16-le", "replace")
    return _Entry(name, kind, start=start, left=left, right=right, child=child, size=size)


# --- the VBA project's own records -------------------------------------------------------------

_PROJECTVERSION = 0x0009  # its size field says 4 but 6 bytes follow (MS-OVBA 2.3.4.2.1.11)
_MODULENAME = 0x0019
_MODULENAMEUNICODE = 0x0047
_MODULESTREAMNAME = 0x001A
_MODULESTREAMNAMEUNICODE = 0x0032
_MODULEOFFSET = 0x0031


def _records(data: bytes) -> Iterator[tuple[int, bytes]]:
    offset = 0
    while offset < len(data):
        record_id, size = struct.unpack_from("<HI", data, offset)
        length = 6 if record_id == _PROJECTVERSION else size
        yield record_id, data[offset + 6 : offset + 6 + length]
        offset += 6 + length


def _rewrite_dir(data: bytes) -> bytes:
    """Rename the replaced module in the ``dir`` stream and mark every module stream as source only."""
    out = bytearray()
    in_module = False
    for record_id, body in _records(data):
        new = body
        if record_id == _MODULENAME:
            in_module = body == REPLACED_MODULE.encode(CODE_PAGE)
        if in_module and record_id in (_MODULENAME, _MODULESTREAMNAME):
            new = MODULE_NAME.encode(CODE_PAGE)
        elif in_module and record_id in (_MODULENAMEUNICODE, _MODULESTREAMNAMEUNICODE):
            new = MODULE_NAME.encode("utf-16-le")
        elif record_id == _MODULEOFFSET:
            new = struct.pack("<I", 0)  # the source starts at byte 0: no p-code cache
        size = 4 if record_id == _PROJECTVERSION else len(new)
        out += struct.pack("<HI", record_id, size) + new
    if MODULE_NAME.encode("utf-16-le") not in out:
        raise TemplateError(f"xlwings' VBA project lists no {REPLACED_MODULE} module in its dir stream")
    return bytes(out)


def _rename_in_project(data: bytes) -> bytes:
    lines = data.decode(CODE_PAGE).split("\r\n")
    renamed = []
    for line in lines:
        if line == f"Module={REPLACED_MODULE}":
            renamed.append(f"Module={MODULE_NAME}")
        elif line.startswith(f"{REPLACED_MODULE}="):
            renamed.append(f"{MODULE_NAME}=0, 0, 0, 0, C")
        else:
            renamed.append(line)
    return "\r\n".join(renamed).encode(CODE_PAGE)


def _rename_in_name_map(data: bytes) -> bytes:
    old = REPLACED_MODULE.encode(CODE_PAGE) + b"\0" + REPLACED_MODULE.encode("utf-16-le") + b"\0\0"
    new = MODULE_NAME.encode(CODE_PAGE) + b"\0" + MODULE_NAME.encode("utf-16-le") + b"\0\0"
    if old not in data:
        raise TemplateError(f"xlwings' VBA project lists no {REPLACED_MODULE} module in PROJECTwm")
    return data.replace(old, new, 1)


# --- MS-OVBA 2.4.1 compression ------------------------------------------------------------------

_CHUNK = 4096


def compress(data: bytes) -> bytes:
    """Compress ``data`` in the VBA format (MS-OVBA 2.4.1): a signature byte, then 4 KiB chunks."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data[start : start + _CHUNK])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = bytearray()
    position = 0
    matches = _Matches(chunk)
    while position < len(chunk):
        flags = 0
        tokens = bytearray()
        for bit in range(8):
            if position >= len(chunk):
                break
            offset, length = matches.longest(position)
            if length >= 3:
                bit_count = max((position - 1).bit_length(), 4)
                length_mask = 0xFFFF >> bit_count
                length = min(length, length_mask + 3)
                token = ((offset - 1) << (16 - bit_count)) | (length - 3)
                tokens += struct.pack("<H", token)
                flags |= 1 << bit
                position += length
            else:
                tokens.append(chunk[position])
                position += 1
        body.append(flags)
        body += tokens
    if len(body) >= _CHUNK:  # store raw when compression does not help
        header = 0x3000 | (_CHUNK - 1)
        return struct.pack("<H", header) + chunk.ljust(_CHUNK, b"\0")
    header = 0xB000 | (len(body) + 2 - 3)
    return struct.pack("<H", header) + bytes(body)


class _Matches:
    """The longest earlier match in a chunk, nearest first among the longest (MS-OVBA 2.4.1.3.19.4).

    Only an earlier position that starts with the same three bytes can give a match of three
    or more (a shorter one is written as a literal), so the earlier positions are indexed by
    their first three bytes: the result is the search of every earlier position's, found in
    a fraction of the time (tests/test_workbook_vba.py compares the two).
    """

    def __init__(self, chunk: bytes) -> None:
        self.chunk = chunk
        self.starts: dict[bytes, list[int]] = {}
        self.indexed = 0  # positions before this one are in ``starts``

    def longest(self, position: int) -> tuple[int, int]:
        """(offset, length) of the longest match at ``position``; length < 3 means none."""
        chunk = self.chunk
        for earlier in range(self.indexed, min(position, len(chunk) - 2)):
            self.starts.setdefault(chunk[earlier : earlier + 3], []).append(earlier)
        self.indexed = max(self.indexed, position)
        if position == 0:
            return 0, 0
        bit_count = max((position - 1).bit_length(), 4)
        max_length = (0xFFFF >> bit_count) + 3
        longest_possible = min(max_length, len(chunk) - position)
        window_start = max(0, position - (1 << bit_count))
        best_offset, best_length = 0, 0
        for candidate in reversed(self.starts.get(chunk[position : position + 3], ())):
            if candidate < window_start:
                break
            length = 0
            while length < longest_possible and chunk[candidate + length] == chunk[position + length]:
                length += 1
            if length > best_length:
                best_offset, best_length = position - candidate, length
                if length == longest_possible:
                    break  # no later candidate can be longer
        return best_offset, best_length


def decompress(data: bytes) -> bytes:
    """Decompress VBA-compressed ``data`` (MS-OVBA 2.4.1)."""
    if not data or data[0] != 1:
        raise TemplateError("a VBA stream is not in the compressed format")
    out = bytearray()
    offset = 1
    while offset < len(data):
        header = struct.unpack_from("<H", data, offset)[0]
        size = (header & 0x0FFF) + 3
        end = offset + size
        chunk_start = len(out)
        position = offset + 2
        if not header & 0x8000:
            out += data[position : position + _CHUNK]
            offset += 2 + _CHUNK
            continue
        while position < end:
            flags = data[position]
            position += 1
            for bit in range(8):
                if position >= end:
                    break
                if flags & (1 << bit):
                    token = struct.unpack_from("<H", data, position)[0]
                    position += 2
                    bit_count = max((len(out) - chunk_start - 1).bit_length(), 4)
                    length = (token & (0xFFFF >> bit_count)) + 3
                    distance = (token >> (16 - bit_count)) + 1
                    for _ in range(length):
                        out.append(out[-distance])
                else:
                    out.append(data[position])
                    position += 1
        offset = end
    return bytes(out)


# --- MS-CFB version 3 writer ------------------------------------------------------------------

_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREE, _END, _FAT_SECTOR, _NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    index: int = 0
    start: int = _END
    left: int = _NONE
    right: int = _NONE
    child: int = _NONE
    size: int = 0  # a stream's size, as read from a directory entry


def write_compound_file(streams: dict[str, bytes]) -> bytes:
    """Write an OLE compound file holding ``streams`` (paths like ``"VBA/dir"``), deterministically."""
    root = _tree(streams)
    entries = _number_entries(root)
    mini_stream, mini_fat, big = _mini_stream(entries)
    dir_sectors = -(-len(entries) // 4)
    mini_fat_sectors = -(-len(mini_fat) * 4 // _SECTOR)
    mini_stream_sectors = -(-len(mini_stream) // _SECTOR)
    big_sectors = [-(-len(e.data) // _SECTOR) for e in big]
    content = dir_sectors + mini_fat_sectors + mini_stream_sectors + sum(big_sectors)
    fat_sectors = 1
    while fat_sectors * (_SECTOR // 4) < content + fat_sectors:
        fat_sectors += 1
    if fat_sectors > 109:
        raise TemplateError("the VBA project is too large for this writer")

    fat: list[int] = [_FAT_SECTOR] * fat_sectors
    sectors = bytearray()

    def place(data: bytes, count: int) -> int:
        start = len(fat)
        fat.extend([start + i + 1 for i in range(count - 1)] + [_END])
        sectors.extend(data.ljust(count * _SECTOR, b"\0"))
        return start

    dir_start = place(b"", dir_sectors)  # filled in below, once every start is known
    mini_fat_bytes = b"".join(struct.pack("<I", n) for n in mini_fat)
    mini_fat_start = place(mini_fat_bytes, mini_fat_sectors) if mini_fat else _END
    root.start = place(mini_stream, mini_stream_sectors) if mini_stream else _END
    root.data = mini_stream
    for entry, count in zip(big, big_sectors, strict=True):
        entry.start = place(entry.data, count)
    fat.extend([_FREE] * (fat_sectors * (_SECTOR // 4) - len(fat)))
    unused = _dir_entry(None) * (dir_sectors * 4 - len(entries))
    sectors[: dir_sectors * _SECTOR] = b"".join(_dir_entry(e) for e in entries) + unused
    header = _header(fat_sectors, dir_start, mini_fat_start, mini_fat_sectors)
    return header + b"".join(struct.pack("<I", n) for n in fat) + bytes(sectors)


def _tree(streams: dict[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        parent = root
        *folders, name = path.split("/")
        for folder in folders:
            found = next((c for c in parent.children if c.name == folder), None)
            if found is None:
                found = _Entry(folder, _STORAGE)
                parent.children.append(found)
            parent = found
        parent.children.append(_Entry(name, _STREAM, data))
    return root


def _mini_stream(entries: list[_Entry]) -> tuple[bytes, list[int], list[_Entry]]:
    """Put the small streams in the mini stream; return it, its mini FAT and the big streams."""
    mini_stream = bytearray()
    mini_fat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != _STREAM or not entry.data:
            continue
        if len(entry.data) >= _MINI_CUTOFF:
            big.append(entry)
            continue
        count = -(-len(entry.data) // _MINI_SECTOR)
        entry.start = len(mini_fat)
        mini_fat += [entry.start + i + 1 for i in range(count - 1)] + [_END]
        mini_stream += entry.data.ljust(count * _MINI_SECTOR, b"\0")
    return bytes(mini_stream), mini_fat, big


def _number_entries(root: _Entry) -> list[_Entry]:
    entries = [root]
    pending = [root]
    while pending:
        node = pending.pop(0)
        for child in sorted(node.children, key=_cfb_order):
            child.index = len(entries)
            entries.append(child)
            pending.append(child)
    for entry in entries:
        if entry.children:
            entry.child = _link_tree(sorted(entry.children, key=_cfb_order))
    return entries


def _cfb_order(entry: _Entry) -> tuple[int, str]:
    """MS-CFB 2.6.4: siblings are ordered by name length, then by upper-cased name."""
    return len(entry.name), entry.name.upper()


def _link_tree(ordered: list[_Entry]) -> int:
    """Link sorted siblings as a balanced binary tree (all nodes black) and return its root."""
    if not ordered:
        return _NONE
    middle = len(ordered) // 2
    node = ordered[middle]
    node.left = _link_tree(ordered[:middle])
    node.right = _link_tree(ordered[middle + 1 :])
    return node.index


def _dir_entry(entry: _Entry | None) -> bytes:
    if entry is None:
        return (
            b"\0" * 64
            + struct.pack("<HBB3I", 0, 0, 0, _NONE, _NONE, _NONE)
            + b"\0" * 16
            + b"\0" * 4
            + (b"\0" * 16)
            + struct.pack("<IQ", 0, 0)
        )
    name = entry.name.encode("utf-16-le") + b"\0\0"
    size = len(entry.data)
    start = entry.start if (entry.kind == _STREAM and size) or entry.kind == _ROOT else 0
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB3I", len(name), entry.kind, 1, entry.left, entry.right, entry.child)
        + b"\0" * 16  # CLSID
        + b"\0" * 4  # state bits
        + b"\0" * 16  # creation and modification times: none, for deterministic output
        + struct.pack("<IQ", start, size)
    )


def _header(fat_sectors: int, dir_start: int, mini_fat_start: int, mini_fat_sectors: int) -> bytes:
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    return (
        _SIGNATURE
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack(
            "<IIIIIIIII",
            0,
            fat_sectors,
            dir_start,
            0,
            _MINI_CUTOFF,
            mini_fat_start,
            mini_fat_sectors,
            _END,
            0,
        )
        + b"".join(struct.pack("<I", n) for n in difat)
    )
