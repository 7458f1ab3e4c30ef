"""Checks an upload's bytes and reads it in a worker process.

No upload can take the server down: the file is identified by its bytes (not its name), the zip
archive's sizes and compression ratio are checked before any reader sees it, XML with DTDs (entity
expansion) is refused, each sheet's declared dimensions are checked, and the parse itself runs in
a child process with memory and time limits, so a reader crash (python-calamine aborts the whole
process on a sheet reaching XFD1048576) ends as a rejection. The DTD, dimension and formula checks
read every part and take a while, so they run while the worker reads (it is confined all the same);
when they refuse the file, the worker is killed and their message is the answer.
"""
from __future__ import annotations

import codecs
import contextlib
import fcntl
import io
import json
import pickle
import queue
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

from data_access import settings
from labels import MSG

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]+)\"")
# a formula cell whose cached value is missing or empty: readers would give '' (or 0) silently
FORMULA_WITHOUT_VALUE = re.compile(
    rb"<(?:\w+:)?c\s+r=\"([A-Z]+[0-9]+)\"[^>]*>\s*<(?:\w+:)?f(?:\s[^>]*)?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>|</(?:\w+:)?c>)")


class UploadRejected(Exception):
    """The file as a whole cannot be read; the message (Chinese) says why and what to do."""


@dataclass
class RawSheet:
    """One worksheet as read: its cells column by column from A1 (``rows`` cells in each column; an
    empty cell is '' or None), its merged ranges ((first row, first column), (last row, last
    column)) and its formula cells without a cached value (row, column), all zero-based."""
    name: str
    position: int  # in the workbook's sheets, from 0
    rows: int
    columns: list[tuple | list]
    merged: list = field(default_factory=list)
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)


def column_index(letters: str) -> int:
    """'A' → 0, 'XFD' → 16383."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _identify(content: bytes) -> None:
    if len(content) > settings.get("upload_max_mb") * 1024 * 1024:
        raise UploadRejected(MSG["file_too_big"].format(mb=settings.get("upload_max_mb")))
    if not content:
        raise UploadRejected(MSG["file_empty"])
    if content.startswith(OLE2_MAGIC):
        # encrypted .xlsx files are OLE2 containers holding an EncryptionInfo stream
        if "EncryptionInfo".encode("utf-16-le") in content:
            raise UploadRejected(MSG["file_encrypted"])
        raise UploadRejected(MSG["file_xls"])
    if not content.startswith(ZIP_MAGIC):
        text = _text_head(content[:4096])
        if text and ("," in text or "\t" in text) and "<" not in text[:50]:
            raise UploadRejected(MSG["file_csv"])
        if text.lstrip("\ufeff \t\r\n").lower().startswith(("<html", "<!doctype", "<?xml", "<table")):
            raise UploadRejected(MSG["file_html"])
        raise UploadRejected(MSG["file_not_excel"])


def _text_head(head: bytes) -> str:
    """The start of a text file as text ('' if it is not text); a character cut in two at the end of
    ``head`` is dropped rather than making the whole head undecodable."""
    for encoding in (("utf-16",) if head.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8", "gbk")):
        try:
            return codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
    return ""


def _has_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether an XML part declares a DTD or entities anywhere (the prolog may be padded)."""
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(1024 * 1024):
            if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                return True
            tail = chunk[-8:]
    return False


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part, from xl/workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{PKG_REL_NS}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{MAIN_NS}sheet"):
        target = targets.get(sheet.get(REL_NS), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def inspect(content: bytes) -> dict[str, set[tuple[int, int]]]:
    """Refuse files no reader should open; returns formula cells without a cached value per sheet
    as (row, column) zero-based. Raises UploadRejected with one clear message."""
    archive, sheets = _open(content)
    return _check_parts(archive, sheets)


def _open(content: bytes) -> tuple[zipfile.ZipFile, dict[str, str]]:
    """The archive and its sheets' parts, once the file is an .xlsx of an acceptable size."""
    _identify(content)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRejected(MSG["file_corrupt"]) from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise UploadRejected(MSG["file_not_excel"])
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > settings.get("upload_max_unpacked_mb") * 1024 * 1024 or total / packed > settings.get(
            "upload_max_ratio"):
        raise UploadRejected(MSG["file_bomb"])
    with _corrupt_on_damage():
        return archive, _sheet_parts(archive)


@contextlib.contextmanager
def _corrupt_on_damage():
    """Damaged data, an unknown compression method, a zip password: the file is corrupt."""
    try:
        yield
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ElementTree.ParseError, zipfile.LargeZipFile,
            zlib.error, NotImplementedError, RuntimeError) as exc:
        raise UploadRejected(MSG["file_corrupt"]) from exc


def _check_parts(archive: zipfile.ZipFile, sheets: dict[str, str]) -> dict[str, set[tuple[int, int]]]:
    """No DTD in any part, no sheet declaring an absurd size; the formula cells without a value."""
    names = set(archive.namelist())
    max_rows, max_cols = settings.get("upload_max_rows"), settings.get("upload_max_columns")
    formulas: dict[str, set] = {}
    with _corrupt_on_damage():
        for info in archive.infolist():  # the sheets themselves are read whole below
            if info.filename.endswith((".xml", ".rels")) and info.filename not in sheets.values() \
                    and _has_dtd(archive, info):
                raise UploadRejected(MSG["file_dtd"])
        for name, part in sheets.items():
            if part not in names:
                continue
            xml = archive.read(part)
            if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
                raise UploadRejected(MSG["file_dtd"])
            dim = DIMENSION.search(xml[:4096])
            if dim:
                last = CELL_REF.findall(dim.group(1).decode("ascii", "replace"))
                if last:
                    letters, row = last[-1]
                    if int(row) > max_rows + 100 or column_index(letters) >= max_cols:
                        raise UploadRejected(MSG["sheet_too_large"].format(
                            sheet=name, ref=dim.group(1).decode(), rows=max_rows, cols=max_cols))
            cells = {(int(r) - 1, column_index(c)) for ref in FORMULA_WITHOUT_VALUE.findall(xml)
                     for c, r in CELL_REF.findall(ref.decode())} if b"<f" in xml or b":f" in xml else set()
            if cells:
                formulas[name] = cells
    return formulas


class SheetReader:
    """Reads the worksheets of an upload whose name ``wanted(name)`` accepts.

    Constructing it refuses (UploadRejected) a file that is not an .xlsx of an acceptable size;
    ``names`` are then the worksheets to read, in workbook order, and ``position`` every sheet's
    place in the workbook. Iterating starts the reading: the largest sheet in one worker process,
    the others in a second one (each a child process with the memory limit, both within the time
    limit), while this process checks every part of the file (DTDs, declared sizes, formulas
    without a value); each sheet is given as soon as it is read, so that converting one overlaps
    with reading the others. Raises UploadRejected for anything unreadable, possibly after some
    sheets were given: use them only once the iteration has ended."""

    def __init__(self, content: bytes, wanted: Callable[[str], bool]):
        self.content = content
        self.archive, self.parts = _open(content)
        self.position = {name: i for i, name in enumerate(self.parts)}
        self.names = [name for name in self.parts if wanted(name)]

    def __iter__(self) -> Iterator[RawSheet]:
        if not self.names:
            _check_parts(self.archive, self.parts)
            return
        sizes = {i.filename: i.file_size for i in self.archive.infolist()}
        largest = max(self.names, key=lambda name: sizes.get(self.parts[name], 0))
        rest = [name for name in self.names if name != largest]
        deadline = time.monotonic() + settings.get("parse_timeout_seconds")
        frames: queue.Queue = queue.Queue()
        workers = [_Worker(self.content, group, frames) for group in ([largest], rest) if group]
        try:
            formulas = _check_parts(self.archive, self.parts)
            running = len(workers)
            while running:
                try:
                    worker, payload = frames.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise UploadRejected(MSG["file_timeout"]) from None
                if payload is None:
                    worker.finish(deadline)
                    running -= 1
                    continue
                name, rows, columns, merged = pickle.loads(payload)
                yield RawSheet(name, self.position[name], rows, columns, merged, formulas.get(name, set()))
        finally:
            for worker in workers:
                worker.stop()


class _Worker:
    """``python -m data_access.upload_worker`` reading the sheets ``names`` of ``content`` with the
    memory limit. Its sheets are put on ``frames`` as (worker, pickled sheet) by a thread, then
    (worker, None) once it has ended."""

    def __init__(self, content: bytes, names: list[str], frames: queue.Queue):
        limit = settings.get("parse_memory_mb") * 1024 * 1024

        def limit_memory():  # runs in the child before it starts
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        # the file goes in as a file, not through a pipe: a thread feeding a pipe 64 KB at a time
        # would wait for this (busy) process's interpreter lock at every step
        with tempfile.TemporaryFile() as upload:
            upload.write(content)
            upload.seek(0)
            self.proc = subprocess.Popen([sys.executable, "-m", "data_access.upload_worker", json.dumps(names)],
                                         stdin=upload, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         preexec_fn=limit_memory)
        with contextlib.suppress(AttributeError, OSError):  # Linux: fewer, larger reads (same reason)
            fcntl.fcntl(self.proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, 1024 * 1024)
        self.thread = threading.Thread(target=self._pump, args=(frames,), daemon=True)
        self.thread.start()

    def _pump(self, frames: queue.Queue) -> None:
        try:
            out = self.proc.stdout
            while len(head := out.read(8)) == 8:
                size = int.from_bytes(head, "big")
                payload = out.read(size)
                if len(payload) != size:  # cut short: the worker died; its exit status tells why
                    break
                frames.put((self, payload))
        finally:
            frames.put((self, None))

    def finish(self, deadline: float) -> None:
        """Wait for the worker to end (its output has); UploadRejected unless it succeeded."""
        try:
            returncode = self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise UploadRejected(MSG["file_timeout"]) from None
        if returncode != 0:
            reason = self.proc.stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            if reason[0].startswith("PasswordError"):
                raise UploadRejected(MSG["file_encrypted"])
            if returncode == 3:
                raise UploadRejected(MSG["file_corrupt"])
            raise UploadRejected(MSG["file_crashed"])

    def stop(self) -> None:
        """End the worker (if still running) and release its pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.thread.join()
        self.proc.stdout.close()
        self.proc.stderr.close()
