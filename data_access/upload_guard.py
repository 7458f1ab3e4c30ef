"""Checks an upload's bytes before any reader touches them, and reads it in a worker process.

No upload can take the server down: the file is identified by its bytes (not its name), the zip
archive's sizes and compression ratio are checked, XML with DTDs (entity expansion) is refused,
each sheet's declared dimensions are checked, and the parse itself runs in a child process with
memory and time limits, so a reader crash (python-calamine aborts the whole process on a sheet
reaching XFD1048576) ends as a rejection.
"""
from __future__ import annotations

import codecs
import io
import pickle
import re
import resource
import subprocess
import sys
import zipfile
import zlib
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
class RawWorkbook:
    """Cell values per sheet (row-major, from A1), merged ranges, and formula cells without a value."""
    sheets: dict[str, list[list]] = field(default_factory=dict)
    merged: dict[str, list] = field(default_factory=dict)
    formulas_without_value: dict[str, set[tuple[int, int]]] = field(default_factory=dict)


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
    max_rows, max_cols = settings.get("upload_max_rows"), settings.get("upload_max_columns")
    formulas: dict[str, set] = {}
    try:
        sheets = _sheet_parts(archive)
        for info in infos:  # the sheets themselves are read whole below
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
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ElementTree.ParseError, zipfile.LargeZipFile,
            zlib.error, NotImplementedError, RuntimeError) as exc:  # damaged data, unknown method, zip password
        raise UploadRejected(MSG["file_corrupt"]) from exc
    return formulas


def read_raw(content: bytes, wanted) -> RawWorkbook:
    """Check ``content`` and read the sheets whose name ``wanted(name)`` accepts, in a worker process
    with memory and time limits. Raises UploadRejected for anything unreadable."""
    formulas = inspect(content)
    limit = settings.get("parse_memory_mb") * 1024 * 1024

    def limit_memory():  # runs in the child before it starts
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    try:
        done = subprocess.run([sys.executable, "-m", "data_access.upload_worker"], input=content,
                              capture_output=True, timeout=settings.get("parse_timeout_seconds"),
                              preexec_fn=limit_memory)
    except subprocess.TimeoutExpired as exc:
        raise UploadRejected(MSG["file_timeout"]) from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        if reason[0].startswith("PasswordError"):
            raise UploadRejected(MSG["file_encrypted"])
        if done.returncode == 3:
            raise UploadRejected(MSG["file_corrupt"])
        raise UploadRejected(MSG["file_crashed"])
    sheets, merged = pickle.loads(done.stdout)
    raw = RawWorkbook(formulas_without_value=formulas)
    for name, rows in sheets.items():
        if wanted(name):
            raw.sheets[name], raw.merged[name] = rows, merged[name]
    return raw
