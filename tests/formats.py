"""The same sheets written in every format a county office saves: .xls (xlwt), .ods (OpenDocument,
written here part by part as LibreOffice and WPS do), and .xlsx variants rewritten from openpyxl's
output — Strict Open XML, part names with ``\\``, an .xlsm with an Excel 4.0 macro sheet."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

import xlwt

TRANSITIONAL_TO_STRICT = {
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
}
MACRO_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xm:macrosheet '
               b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><dimension ref="A1"/>'
               b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>=HALT()</t></is></c></row></sheetData>'
               b'</xm:macrosheet>')


def as_xls(sheets: dict[str, list[list]]) -> bytes:
    """An Excel 97–2003 workbook (BIFF8) with real dates."""
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, dt.datetime(value.year, value.month, value.day), date_style)
                elif isinstance(value, Decimal):
                    sheet.write(r, c, float(value))
                elif value is not None:
                    sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def as_ods(sheets: dict[str, list[list]]) -> bytes:
    """An OpenDocument spreadsheet: mimetype first and stored, content.xml, the manifest."""
    tables = "".join(
        f'<table:table table:name="{escape(title)}">'
        + "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>" for title, rows in sheets.items())
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def _rezip(content: bytes, change) -> bytes:
    """The package with each part (name, data) replaced by ``change(name, data)`` -> (name, data)
    pairs, in order."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            for name, data in change(info.filename, src.read(info.filename)):
                dst.writestr(name, data)
    return out.getvalue()


def as_strict(xlsx: bytes) -> bytes:
    """An .xlsx rewritten in Strict Open XML (ISO/IEC 29500 Strict namespaces), as Excel's 另存为
    "Strict Open XML 电子表格" writes it."""
    def change(name, data):
        for old, new in TRANSITIONAL_TO_STRICT.items():
            data = data.replace(old, new)
        if name == "xl/workbook.xml":
            data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
        yield name, data
    return _rezip(xlsx, change)


def with_backslashes(xlsx: bytes) -> bytes:
    """An .xlsx whose part names use ``\\`` (as one Chinese attendance tool writes them)."""
    return _rezip(xlsx, lambda name, data: [(name.replace("/", "\\"), data)])


def with_macro_sheet(xlsx: bytes) -> bytes:
    """An .xlsm: the workbook plus an Excel 4.0 macro sheet (宏表) before its sheets."""
    def change(name, data):
        if name == "[Content_Types].xml":
            data = data.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml").replace(
                b"</Types>", b'<Override PartName="/xl/macrosheets/sheet1.xml" '
                             b'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>')
        elif name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Id="rIdMacro" Type="http://schemas.microsoft.'
                                b'com/office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/>'
                                b"</Relationships>")
        elif name == "xl/workbook.xml":
            sheet = ('<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                     'name="宏1" sheetId="99" r:id="rIdMacro"/>')
            data = data.replace(b"<sheets>", b"<sheets>" + sheet.encode(), 1)
        yield name, data
        if name == "xl/workbook.xml":
            yield "xl/macrosheets/sheet1.xml", MACRO_SHEET
    return _rezip(xlsx, change)
