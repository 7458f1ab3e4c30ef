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
import html
import io
import json
import pickle
import posixpath
import queue
import re
import resource
import struct
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


XLSX, XLSB, XLS, ODS = "xlsx", "xlsb", "xls", "ods"  # the formats read (.xlsm is read as XLSX)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
REL_TYPE_WORKSHEET = "/worksheet"
# sheets that are not worksheets; python-calamine refuses a whole workbook over macro and dialog sheets
REL_TYPES_SKIPPED = ("/chartsheet", "/dialogsheet", "/xlMacrosheet", "/xlIntlMacrosheet", "/macrosheet")
BIFF_OLD = (b"\x09\x00", b"\x09\x02", b"\x09\x04")  # BOF records of BIFF2-4 files (not OLE2)


def identify(content: bytes) -> str:
    """The format of an upload by its bytes, whatever its name says: XLSX (.xlsx and .xlsm,
    Transitional or Strict), XLSB, XLS (Excel 97–2003) or ODS. Raises UploadRejected with one
    message saying what the file is and what to save it as."""
    if len(content) > settings.get("upload_max_mb") * 1024 * 1024:
        raise UploadRejected(MSG["file_too_big"].format(mb=settings.get("upload_max_mb")))
    if not content:
        raise UploadRejected(MSG["file_empty"])
    if content.startswith(OLE2_MAGIC):
        # encrypted .xlsx files are OLE2 containers holding an EncryptionInfo stream; an Excel 97–2003
        # file holds a Workbook stream, an Excel 5.0/95 one a Book stream (names in UTF-16)
        if "EncryptionInfo".encode("utf-16-le") in content:
            raise UploadRejected(MSG["file_encrypted"])
        if "Workbook".encode("utf-16-le") in content:
            return XLS
        if "Book".encode("utf-16-le") in content:
            raise UploadRejected(MSG["file_old_excel"])
        raise UploadRejected(MSG["file_et"])
    if content[:2] in BIFF_OLD and len(content) > 4 and content[2:4] in (b"\x04\x00", b"\x06\x00", b"\x08\x00"):
        raise UploadRejected(MSG["file_old_excel"])
    if not content.startswith(ZIP_MAGIC):
        text = _text_head(content[:4096])
        if text and ("," in text or "\t" in text) and "<" not in text[:50]:
            raise UploadRejected(MSG["file_csv"])
        if text.lstrip("\ufeff \t\r\n").lower().startswith(("<html", "<!doctype", "<?xml", "<table")):
            raise UploadRejected(MSG["file_html"])
        raise UploadRejected(MSG["file_not_excel"])
    return _Package(content).kind


def _text_head(head: bytes) -> str:
    """The start of a text file as text ('' if it is not text); a character cut in two at the end of
    ``head`` is dropped rather than making the whole head undecodable."""
    for encoding in (("utf-16",) if head.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8", "gbk")):
        try:
            return codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
    return ""


def _local(tag: str) -> str:
    """An XML name without its namespace (Strict and Transitional Open XML name the same things)."""
    return tag.rsplit("}", 1)[-1]


class _Package:
    """A zip upload (.xlsx, .xlsm, .xlsb, .ods): its parts (names with ``\\`` read as ``/``), its
    format, and for .xlsx its worksheets' parts, found through the package's relationships wherever
    they are. Raises UploadRejected when it is none of those, or is damaged, or would unpack
    beyond the limit by what it declares."""

    def __init__(self, content: bytes):
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(content))
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise UploadRejected(MSG["file_corrupt"]) from exc
        self.infos = {i.filename.replace("\\", "/"): i for i in infos}
        if sum(i.file_size for i in infos) > settings.get("upload_max_unpacked_mb") * 1024 * 1024:
            raise UploadRejected(MSG["file_bomb"])
        self.sheets: dict[str, str] = {}  # worksheet name -> its part (.xlsx)
        self.skipped: set[str] = set()  # parts of the sheets that are not worksheets (.xlsx)
        self.workbook: str | None = None
        with _corrupt_on_damage():
            self.kind = self._kind()

    def read(self, name: str) -> bytes:
        return self.archive.read(self.infos[name])

    def _kind(self) -> str:
        if "mimetype" in self.infos and self.read("mimetype").strip().startswith(ODS_MIMETYPE):
            manifest = self.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in self.infos else b""
            if b"encryption-data" in manifest:
                raise UploadRejected(MSG["file_encrypted"])
            return ODS
        if "_rels/.rels" not in self.infos:
            raise UploadRejected(MSG["file_not_excel"])
        rels = ElementTree.fromstring(self.read("_rels/.rels"))
        target = next((r.get("Target") for r in rels.iter() if _local(r.tag) == "Relationship"
                       and (r.get("Type") or "").endswith("/officeDocument")), None)
        if target is None:
            raise UploadRejected(MSG["file_not_excel"])
        self.workbook = target.lstrip("/")
        if self.workbook not in self.infos:
            raise UploadRejected(MSG["file_corrupt"])
        if self.workbook.endswith(".bin"):
            return XLSB
        root = ElementTree.fromstring(self.read(self.workbook))
        if _local(root.tag) != "workbook":
            raise UploadRejected(MSG["file_not_excel"])
        folder, base = posixpath.split(self.workbook)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        relations = {}
        if rels_part in self.infos:
            for r in ElementTree.fromstring(self.read(rels_part)).iter():
                if _local(r.tag) == "Relationship":
                    target = r.get("Target") or ""
                    part = target.lstrip("/") if target.startswith("/") else \
                        posixpath.normpath(posixpath.join(folder, target))
                    relations[r.get("Id")] = (r.get("Type") or "", part)
        for sheet in root.iter():
            if _local(sheet.tag) != "sheet":
                continue
            rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
            rel_type, part = relations.get(rid, ("", ""))
            if rel_type.endswith(REL_TYPES_SKIPPED):
                self.skipped.add(part)
            else:
                self.sheets[sheet.get("name")] = part
        return XLSX

    def readable(self, content: bytes) -> bytes:
        """The bytes the reader is given: ``content`` itself, or a copy with ``/`` in every part name
        and without the sheets that are not worksheets (macro, dialog, chart sheets), which the reader
        would refuse the whole workbook over. The archive keeps the original."""
        backslashes = any("\\" in i.filename for i in self.infos.values())
        if self.kind != XLSX or not (backslashes or self.skipped):
            return content
        out = io.BytesIO()
        with _corrupt_on_damage(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for name in self.infos:
                data = self.read(name)
                if name == self.workbook and self.skipped:
                    data = self._without_skipped_sheets(data)
                copy.writestr(name, data)
        return out.getvalue()

    def _without_skipped_sheets(self, xml: bytes) -> bytes:
        """workbook.xml without the <sheet> elements of the skipped parts."""
        keep = set(self.sheets)
        return re.sub(rb"<(?:\w+:)?sheet\s[^>]*?/>", lambda m: m.group(0) if _sheet_name(m.group(0)) in keep else b"",
                      xml)


def _sheet_name(element: bytes) -> str | None:
    found = re.search(rb'\sname="([^"]*)"', element)
    return html.unescape(found.group(1).decode("utf-8")) if found else None


def inspect(content: bytes, wanted: Callable[[str], bool] = lambda name: True) -> dict[str, set[tuple[int, int]]]:
    """Refuse files no reader should open; returns formula cells without a cached value per sheet
    ``wanted`` accepts, as (row, column) zero-based. Raises UploadRejected with one clear message."""
    kind = identify(content)
    if kind == XLS:
        return {}
    package = _Package(content)
    return _check_parts(package, {n: p for n, p in package.sheets.items() if wanted(n)})


@contextlib.contextmanager
def _corrupt_on_damage():
    """Damaged data, an unknown compression method, a zip password: the file is corrupt."""
    try:
        yield
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ElementTree.ParseError, zipfile.LargeZipFile,
            zlib.error, NotImplementedError, RuntimeError, UnicodeDecodeError) as exc:
        raise UploadRejected(MSG["file_corrupt"]) from exc


def _inflated(package: _Package, info: zipfile.ZipInfo, budget: list[int]) -> Iterator[bytes]:
    """A part's bytes as they really inflate, whatever its header declares; UploadRejected (bomb) as
    soon as the parts read so far pass the unpacked limit (``budget``: the bytes still allowed)."""
    archive = package.archive
    if info.compress_type != zipfile.ZIP_DEFLATED:
        with archive.open(info) as part:
            while chunk := part.read(1024 * 1024):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise UploadRejected(MSG["file_bomb"])
                yield chunk
        return
    fp = archive.fp
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    inflater = zlib.decompressobj(-15)
    while left > 0 and not inflater.eof:
        raw = fp.read(min(left, 256 * 1024))
        if not raw:
            raise zipfile.BadZipFile("truncated")
        left -= len(raw)
        while raw:
            chunk = inflater.decompress(raw, 4 * 1024 * 1024)
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise UploadRejected(MSG["file_bomb"])
            yield chunk
            raw = inflater.unconsumed_tail


def _check_parts(package: _Package, sheets: dict[str, str]) -> dict[str, set[tuple[int, int]]]:
    """Every part inflates within the limit and no XML part declares a DTD; the ``sheets`` to be
    read declare no absurd size; their formula cells without a value. Other sheets are not looked
    at beyond that: they are not read."""
    budget = [settings.get("upload_max_unpacked_mb") * 1024 * 1024]
    wanted = {part: name for name, part in sheets.items()}
    formulas: dict[str, set] = {}
    with _corrupt_on_damage():
        for part, info in package.infos.items():
            if part in wanted:
                cells = _check_sheet(wanted[part], b"".join(_inflated(package, info, budget)))
                if cells:
                    formulas[wanted[part]] = cells
                continue
            tail, xml = b"", part.endswith((".xml", ".rels"))
            for chunk in _inflated(package, info, budget):
                if xml and (b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk):
                    raise UploadRejected(MSG["file_dtd"])
                tail = chunk[-8:]
    return formulas


def _check_sheet(name: str, xml: bytes) -> set[tuple[int, int]]:
    """A sheet to be read: no DTD, no absurd declared size; its formula cells without a value."""
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise UploadRejected(MSG["file_dtd"])
    max_rows, max_cols = settings.get("upload_max_rows"), settings.get("upload_max_columns")
    dim = DIMENSION.search(xml[:4096])
    last = CELL_REF.findall(dim.group(1).decode("ascii", "replace")) if dim else []
    if last and (int(last[-1][1]) > max_rows + 100 or column_index(last[-1][0]) >= max_cols):
        raise UploadRejected(MSG["sheet_too_large"].format(sheet=name, ref=dim.group(1).decode(), rows=max_rows,
                                                           cols=max_cols))
    if b"<f" not in xml and b":f" not in xml:
        return set()
    return {(int(r) - 1, column_index(c)) for ref in FORMULA_WITHOUT_VALUE.findall(xml)
            for c, r in CELL_REF.findall(ref.decode())}


class SheetReader:
    """Reads the worksheets of an upload whose name ``wanted(name)`` accepts.

    Constructing it refuses (UploadRejected) a file that is not a workbook of an accepted format
    (see ``identify``) and size; ``names`` are then the worksheets to read, in workbook order,
    ``ignored`` the other sheets (never read, whatever they hold), and ``position`` every sheet's
    place in the workbook. For .xlsx the sheets are listed from the package; for .xls, .xlsb and
    .ods a worker lists them. Iterating starts the reading: the largest sheet in one worker process,
    the others in a second one (each a child process with the memory limit, both within the time
    limit), while this process checks the parts of the file (sizes as they inflate, DTDs, the
    declared size and formulas without a value of the sheets read); each sheet is given as soon as
    it is read, so that converting one overlaps with reading the others. Raises UploadRejected for
    anything unreadable, possibly after some sheets were given: use them only once the iteration
    has ended."""

    def __init__(self, content: bytes, wanted: Callable[[str], bool]):
        self.kind = identify(content)
        self.package = None if self.kind == XLS else _Package(content)
        self.content = self.package.readable(content) if self.package else content
        if self.kind == XLSX:
            every = list(self.package.sheets)
        else:
            every = _list_sheets(self.content, self.kind)
        self.position = {name: i for i, name in enumerate(every)}
        self.names = [name for name in every if wanted(name)]
        self.ignored = [name for name in every if not wanted(name)]

    def __iter__(self) -> Iterator[RawSheet]:
        wanted = {n: p for n, p in self.package.sheets.items() if n in self.names} if self.kind == XLSX else {}
        if not self.names:
            if self.package is not None:
                _check_parts(self.package, wanted)
            return
        if self.kind == XLSX:
            sizes = {name: self.package.infos[part].file_size if part in self.package.infos else 0
                     for name, part in wanted.items()}
            largest = max(self.names, key=lambda name: sizes.get(name, 0))
            groups = [[largest], [name for name in self.names if name != largest]]
        else:
            groups = [self.names]
        deadline = time.monotonic() + settings.get("parse_timeout_seconds")
        frames: queue.Queue = queue.Queue()
        workers = [_Worker(self.content, self.kind, group, frames) for group in groups if group]
        try:
            formulas = _check_parts(self.package, wanted) if self.package is not None else {}
            for payload in _payloads(workers, frames, deadline):
                name, rows, columns, merged = pickle.loads(payload)
                yield RawSheet(name, self.position[name], rows, columns, merged, formulas.get(name, set()))
        finally:
            for worker in workers:
                worker.stop()


def _payloads(workers: list[_Worker], frames: queue.Queue, deadline: float) -> Iterator[bytes]:
    """The frames the workers write, as they come, until every worker has ended well; UploadRejected
    when one failed or the time is up."""
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
        yield payload


def _list_sheets(content: bytes, kind: str) -> list[str]:
    """The worksheet names of an .xls, .xlsb or .ods, listed by a worker (with the same limits)."""
    frames: queue.Queue = queue.Queue()
    worker = _Worker(content, kind, None, frames)
    try:
        names = [pickle.loads(p) for p in _payloads([worker], frames,
                                                      time.monotonic() + settings.get("parse_timeout_seconds"))]
        return names[0] if names else []
    finally:
        worker.stop()


class _Worker:
    """``python -m data_access.upload_worker`` reading the sheets ``names`` of ``content`` (of format
    ``kind``; names None: listing its worksheets) with the memory limit. Its sheets are put on
    ``frames`` as (worker, pickled sheet) by a thread, then (worker, None) once it has ended."""

    def __init__(self, content: bytes, kind: str, names: list[str] | None, frames: queue.Queue):
        limit = settings.get("parse_memory_mb") * 1024 * 1024

        def limit_memory():  # runs in the child before it starts
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        # the file goes in as a file, not through a pipe: a thread feeding a pipe 64 KB at a time
        # would wait for this (busy) process's interpreter lock at every step
        with tempfile.TemporaryFile() as upload:
            upload.write(content)
            upload.seek(0)
            self.proc = subprocess.Popen([sys.executable, "-m", "data_access.upload_worker", kind, json.dumps(names)],
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
            if returncode == 4:  # the reader gave up on something in the file (a panic)
                raise UploadRejected(MSG["file_unsupported"])
            raise UploadRejected(MSG["file_crashed"])  # killed: the memory limit

    def stop(self) -> None:
        """End the worker (if still running) and release its pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.thread.join()
        self.proc.stdout.close()
        self.proc.stderr.close()
