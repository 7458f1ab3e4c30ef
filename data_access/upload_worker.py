"""Child process of upload_guard.SheetReader: reads a workbook from stdin with python-calamine.

    python -m data_access.upload_worker KIND SHEETS

KIND is the format upload_guard.identify found in the bytes (xlsx, xlsb, xls, ods): the reader for
it is chosen by that, not by guessing. SHEETS, a JSON list of sheet names, says which worksheets to
read and in which order (``"*"``: every worksheet, in workbook order); ``null`` lists the
workbook's worksheets instead (one frame: the pickled list of names). Each worksheet is written
to stdout as soon as it is read, as one frame: its length (8 bytes, big endian), then the pickled
tuple (name, row count, columns, merged ranges), where ``columns`` holds the cells from A1 column
by column (one tuple per column, each as long as the row count): the importer works a column at a
time, and columns pickle and load faster than rows.
Sheets that are not worksheets (charts, macros, dialogs) are never read. Exit 3: the reader refused
the file; a password-protected one says PasswordError on stderr.
"""
import gc
import json
import pickle
import sys
import tempfile

import python_calamine


def frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(8, "big") + payload


def main(argv: list[str]) -> int:
    gc.disable()  # a short-lived process that frees nothing before it ends: collecting only costs time
    kind, wanted = argv[0], json.loads(argv[1])
    content = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    # python-calamine picks its reader by the file name's extension: a temporary file named for the
    # format found in the bytes
    with tempfile.NamedTemporaryFile(suffix=f".{kind}") as file:
        file.write(content)
        file.flush()
        del content
        try:
            book = python_calamine.CalamineWorkbook.from_path(file.name)
            worksheets = [m.name for m in book.sheets_metadata
                          if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
            if wanted is None:
                out.write(frame(pickle.dumps(worksheets)))
                return 0
            for name in worksheets if wanted == "*" else wanted:
                if name not in worksheets:
                    continue
                sheet = book.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
                columns = list(zip(*rows))
                if any(len(row) != len(columns) for row in rows):  # never seen; keep every cell if it happens
                    width = max(map(len, rows))
                    columns = [tuple(row[c] if c < len(row) else None for row in rows) for c in range(width)]
                merged = sheet.merged_cell_ranges or []
                out.write(frame(pickle.dumps((name, len(rows), columns, merged),
                                             protocol=pickle.HIGHEST_PROTOCOL)))
                out.flush()
                del rows, columns
        except python_calamine.PasswordError:
            print("PasswordError", file=sys.stderr)
            return 3
        except python_calamine.CalamineError as exc:
            print(f"CalamineError: {exc}", file=sys.stderr)
            return 3
        except BaseException as exc:  # a reader panic on a crafted file (Rust's panic is a BaseException)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
            return 4
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
