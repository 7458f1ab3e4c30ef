"""Child process of upload_guard.read_raw: reads a workbook from stdin with python-calamine and
writes (sheets, merged ranges) pickled to stdout. Exit 3: the reader refused the file."""
import io
import pickle
import sys

import python_calamine


def main() -> int:
    content = sys.stdin.buffer.read()
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets, merged = {}, {}
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            sheets[meta.name] = sheet.to_python(skip_empty_area=False)
            merged[meta.name] = sheet.merged_cell_ranges or []
    except python_calamine.PasswordError:
        print("PasswordError", file=sys.stderr)
        return 3
    except python_calamine.CalamineError as exc:
        print(f"CalamineError: {exc}", file=sys.stderr)
        return 3
    sys.stdout.buffer.write(pickle.dumps((sheets, merged), protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
