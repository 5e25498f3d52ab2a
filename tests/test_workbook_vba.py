"""The VBA inside placement.xlsm: exactly xlwings' modules plus the button's macro, nothing that runs by itself.

Independent oracles: olefile and olevba (oletools) read the compound file and the
VBA; xlwings' own standalone workbook and its shipped ``xlwings.bas`` are the
reference for the modules that must be xlwings' unchanged.
"""

from __future__ import annotations

import importlib.metadata
import os
import random
import re
import struct
import subprocess
import sys
import tomllib
import warnings
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings

from xl_placement import vba

with warnings.catch_warnings():
    # pyparsing deprecates the names oletools 0.60 calls; not this project's concern
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "placement.xlsm"
DOCS = ROOT / "docs" / "vba"
XLWINGS_MODULES = {"ThisWorkbook", "Sheet1", "Sheet2", "xlwings", "Dictionary"}


@pytest.fixture(scope="module")
def project() -> bytes:
    with zipfile.ZipFile(COMMITTED) as archive:
        return archive.read("xl/vbaProject.bin")


@pytest.fixture(scope="module")
def sources(project) -> dict[str, str]:
    return vba.module_sources(project)


def _olevba_sources(data: bytes) -> dict[str, str]:
    parser = VBA_Parser("vbaProject.bin", data=data)
    try:
        return {Path(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def test_modules_are_xlwings_own_plus_placement(sources):
    """The project holds xlwings' five modules and the Placement module, and no other."""
    assert set(sources) == XLWINGS_MODULES | {"Placement"}


def test_xlwings_modules_are_unchanged_from_xlwings_standalone_workbook(sources):
    """Each xlwings module's source equals the one in the installed xlwings' quickstart_standalone.xlsm."""
    original = _olevba_sources(vba.xlwings_vba_project())
    for name in XLWINGS_MODULES:
        assert sources[name].replace("\r\n", "\n") == original[name].replace("\r\n", "\n"), name


def test_xlwings_module_equals_the_xlwings_bas_file_xlwings_ships():
    """docs/vba/xlwings.bas is xlwings' published xlwings.bas (line ends aside)."""
    shipped = (Path(xlwings.__file__).parent / "xlwings.bas").read_text("utf-8").replace("\r\n", "\n")
    assert (DOCS / "xlwings.bas").read_text("utf-8") == shipped


def test_embedded_source_equals_the_documented_source(project):
    """Every module in placement.xlsm, as olevba extracts it, equals its file in docs/vba/."""
    extracted = _olevba_sources(project)
    documented = {path.stem: path.read_text("utf-8") for path in DOCS.glob("*.[bc][al][ss]")}
    assert set(documented) == set(extracted)
    for name, code in extracted.items():
        assert code.replace("\r\n", "\n") == documented[name], name


def test_placement_module_is_the_packaged_source(sources):
    """The Placement module is xl_placement/data/Placement.bas, and its macro runs placement.main()."""
    assert sources["Placement"] == vba.module_source()
    assert re.search(
        r'^Sub BuildReport\(\)\r\n    RunPython "import sys; sys\.path\[:\] = \[p for p in sys\.path if p\]; '
        r'import placement; placement\.main\(\)"\r\nEnd Sub',
        sources["Placement"],
        re.M,
    )


def test_embedded_xlwings_version_equals_the_installed_and_pinned_xlwings(sources):
    """XLWINGS_VERSION in the embedded VBA equals the installed xlwings and the pin of the [excel] extra."""
    found = re.search(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"', sources["xlwings"], re.M)
    assert found, "the xlwings module has no XLWINGS_VERSION constant"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    pins = [d for d in pyproject["project"]["optional-dependencies"]["excel"] if d.startswith("xlwings")]
    assert pins == [f"xlwings=={found.group(1)}"]
    assert importlib.metadata.version("xlwings") == found.group(1)


def test_no_macro_runs_by_itself(project):
    """olevba finds no auto-executing macro (Workbook_Open, Auto_Open, Document_Open, ...)."""
    parser = VBA_Parser("vbaProject.bin", data=project)
    try:
        autoexec = [keyword for kind, keyword, _ in parser.analyze_macros() if kind == "AutoExec"]
    finally:
        parser.close()
    assert autoexec == []


def test_auto_exec_check_catches_a_workbook_open_macro():
    """The same olevba check flags a project whose module has a Workbook_Open macro (the check can fail)."""
    streams = vba.read_compound_file(vba.build_vba_project())
    source = vba.module_source() + "Private Sub Workbook_Open()\r\n    BuildReport\r\nEnd Sub\r\n"
    streams["VBA/Placement"] = vba.compress(source.encode("cp1252"))
    parser = VBA_Parser("vbaProject.bin", data=vba.write_compound_file(streams))
    try:
        assert any(kind == "AutoExec" for kind, _, _ in parser.analyze_macros())
    finally:
        parser.close()


def _compiled_modules(project: bytes) -> list[str]:
    """Modules whose stream starts with compiled p-code (a MODULEOFFSET above zero)."""
    streams = vba.read_compound_file(project)
    offsets = vba.module_offsets(vba.decompress(streams["VBA/dir"]))
    return sorted(name for name, offset in offsets.items() if offset)


def test_no_compiled_code_so_no_stomping(project, tmp_path):
    """No module carries p-code, the project is version-independent, and olevba detects no VBA stomping."""
    assert _compiled_modules(project) == []
    streams = vba.read_compound_file(project)
    assert struct.unpack_from("<HH", streams["VBA/_VBA_PROJECT"]) == (0x61CC, 0xFFFF)
    on_disk = tmp_path / "vbaProject.bin"  # olevba checks for stomping only in files on disk
    on_disk.write_bytes(project)
    parser = VBA_Parser(str(on_disk))
    try:
        assert parser.detect_vba_stomping() is False
    finally:
        parser.close()


def test_compiled_code_check_catches_xlwings_original_p_code():
    """xlwings' own standalone project still has p-code in some modules, and the check reports them."""
    assert "Module1" in _compiled_modules(vba.xlwings_vba_project())


def test_compound_file_reads_the_same_with_olefile(project):
    """olefile reads the written compound file to the same streams as the project's own reader."""
    with olefile.OleFileIO(project) as ole:
        assert not ole.parsing_issues
        streams = {"/".join(entry): ole.openstream(entry).read() for entry in ole.listdir()}
    assert streams == vba.read_compound_file(project)


def test_reader_agrees_with_olefile_on_xlwings_project():
    """The project's compound-file reader gives olefile's streams for xlwings' own vbaProject.bin."""
    original = vba.xlwings_vba_project()
    with olefile.OleFileIO(original) as ole:
        streams = {"/".join(entry): ole.openstream(entry).read() for entry in ole.listdir()}
    assert vba.read_compound_file(original) == streams


@pytest.mark.parametrize("size", [0, 1, 7, 100, 4096, 4097, 20_000])
def test_compression_round_trips_through_olevba(size):
    """Compressed VBA text decompresses, with olevba's decompressor, to the same bytes."""
    generator = random.Random(size)  # noqa: S311 - reproducible test text, not security
    text = bytes(generator.choice(b"Sub End  RunPython\r\n'xyz") for _ in range(size))
    packed = vba.compress(text)
    assert bytes(decompress_stream(bytearray(packed))) == text
    assert vba.decompress(packed) == text


def test_incompressible_text_is_stored_raw_and_still_round_trips():
    """Bytes that do not compress go into raw 4 KiB chunks, which olevba's decompressor reads back."""
    text = random.Random(7).randbytes(9000)  # noqa: S311 - reproducible test bytes
    packed = vba.compress(text)
    assert struct.unpack_from("<H", packed, 1)[0] & 0x8000 == 0  # the first chunk is a raw chunk
    assert bytes(decompress_stream(bytearray(packed))) == text


def test_build_is_deterministic():
    """The project's bytes depend on its content only: not on the order its streams arrive in, nor the hash seed."""
    streams = vba.read_compound_file(vba.build_vba_project())
    backwards = dict(sorted(streams.items(), reverse=True))
    assert list(backwards) != list(streams)
    assert vba.write_compound_file(backwards) == vba.write_compound_file(streams)
    script = "import sys; from xl_placement import vba; sys.stdout.buffer.write(vba.build_vba_project())"
    builds = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert builds == {vba.build_vba_project()}


def _longest_by_search(chunk: bytes, position: int) -> tuple[int, int]:
    """MS-OVBA's match search as written: every earlier position, nearest first, strictly longer wins."""
    if position == 0:
        return 0, 0
    bit_count = max((position - 1).bit_length(), 4)
    max_length = (0xFFFF >> bit_count) + 3
    best_offset, best_length = 0, 0
    for candidate in range(position - 1, max(0, position - (1 << bit_count)) - 1, -1):
        length = 0
        while (
            position + length < len(chunk)
            and length < max_length
            and chunk[candidate + length] == chunk[position + length]
        ):
            length += 1
        if length > best_length:
            best_offset, best_length = position - candidate, length
    return best_offset, best_length


@pytest.mark.parametrize("alphabet", [b"a", b"ab", b"Sub End  RunPython\r\n'xyz", bytes(range(256))])
def test_indexed_match_search_finds_what_searching_every_position_finds(alphabet):
    """The compressor's indexed search gives the very match (offset and length, when 3 or more) of the full search."""
    generator = random.Random(len(alphabet))  # noqa: S311 - reproducible test text, not security
    for size in (3, 40, 300):
        chunk = bytes(generator.choice(alphabet) for _ in range(size))
        matches = vba._Matches(chunk)
        for position in range(size):
            offset, length = matches.longest(position)
            expected_offset, expected_length = _longest_by_search(chunk, position)
            assert (length >= 3) == (expected_length >= 3), (alphabet, size, position)
            if length >= 3:
                assert (offset, length) == (expected_offset, expected_length), (alphabet, size, position)
