"""Reading upload workbooks into typed rows: header matching, value parsing, problems in Chinese.

Knows nothing of the database: the importer checks names against the configuration.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from data_access import settings
from data_access.upload_guard import RawSheet, SheetReader
from labels import MSG, TEMPLATE_EXAMPLE_PREFIX

FULLWIDTH = str.maketrans("０１２３４５６７８９．，－（）：　", "0123456789.,-(): ")
BRACKETS = str.maketrans("（）　", "() ")
WAN_PER_YI = Decimal(10000)
CENT = Decimal("0.0001")
# amounts from here up take the checked path of _parse: past 1e24, 4 decimals overflow Decimal's 28 digits
HUGE = 1e15
SUMMARY_WORDS = ("合计", "小计", "总计")
FOOTER_PREFIXES = ("填报人", "联系电话", "审核人", "填表人", "负责人")
SKIP_INITIALS = {w[0] for w in (*SUMMARY_WORDS, *FOOTER_PREFIXES, "示例")}


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: str = "text"  # text | amount | int | date | bool
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()


LEDGER = Sheet("项目台账", (
    Column("code", "项目编号", aliases=("编号", "项目代码")),
    Column("name", "项目名称", required=True),
    Column("region", "县区", required=True, aliases=("所属县区", "县(市、区)", "地区")),
    Column("chain", "产业链", required=True, aliases=("所属产业链", "产业")),
    Column("investor", "投资方", required=True, aliases=("投资主体", "投资企业", "企业名称")),
    Column("tags", "企业标签", aliases=("企业类型",)),
    Column("is_manufacturing", "是否制造业", "bool", required=True, aliases=("制造业",)),
    Column("origin", "投资来源", aliases=("资金来源", "来源")),
    Column("channel", "招商方式"),
    Column("stage", "项目阶段", required=True, aliases=("项目进度", "阶段", "进展阶段")),
    Column("sign_date", "签约日期", "date", aliases=("签约时间",)),
    Column("contract_amount", "合同投资额", "amount", aliases=("合同投资", "签约金额", "总投资")),
    Column("start_date", "开工日期", "date", aliases=("开工时间",)),
    Column("production_date", "投产日期", "date", aliases=("投产时间",)),
    Column("planned_production_date", "计划投产日期", "date", aliases=("计划投产时间",)),
    Column("month_funds", "本月到位资金", "amount", aliases=("当月到位资金", "本月到位")),
    Column("leader", "包抓领导", aliases=("包联领导", "责任领导")),
    Column("signed_event", "签约活动", aliases=("签约平台", "签约活动名称")),
    Column("note", "备注"),
), aliases=("项目台账表", "台账"))

FUNDS = Sheet("到位资金明细", (
    Column("code", "项目编号"),
    Column("region", "县区"),
    Column("name", "项目名称"),
    Column("year", "年份", "int", required=True, aliases=("年度",)),
    Column("month", "月份", "int", required=True),
    Column("amount", "到位资金", "amount", required=True, aliases=("到位金额",)),
), aliases=("到位资金",))

TARGETS = Sheet("年度目标", (
    Column("year", "年度", "int", required=True, aliases=("年份",)),
    Column("region", "县区", required=True),
    Column("indicator", "指标", required=True, aliases=("指标名称",)),
    Column("value", "目标值", "amount", required=True, aliases=("目标",)),
), aliases=("目标任务",))

RESIDENT = Sheet("驻点招商", (
    Column("team", "工作队", required=True, aliases=("驻点工作队", "小分队")),
    Column("region", "县区"),
    Column("year", "年份", "int", required=True, aliases=("年度",)),
    Column("month", "月份", "int", required=True),
    Column("contacted", "对接企业数", "int", required=True),
    Column("visited", "考察回访企业数", "int", required=True, aliases=("考察回访数",)),
    Column("intended_count", "意向项目数", "int", required=True),
    Column("intended_amount", "意向投资额", "amount", required=True),
))

PROBLEMS = Sheet("问题台账", (
    Column("enterprise", "企业名称", required=True, aliases=("企业",)),
    Column("code", "项目编号"),
    Column("region", "县区"),
    Column("description", "问题描述", required=True, aliases=("诉求内容", "问题")),
    Column("raised_on", "提出日期", "date", required=True, aliases=("提出时间",)),
    Column("unit", "责任单位", aliases=("办理单位",)),
    Column("status", "办理状态", required=True, aliases=("状态",)),
    Column("closed_on", "办结日期", "date", aliases=("办结时间",)),
), aliases=("企业诉求",))

ACTIVITIES = Sheet("招商活动", (
    Column("activity_date", "日期", "date", required=True, aliases=("活动日期", "时间")),
    Column("region", "县区", required=True),
    Column("leader", "领导", required=True, aliases=("带队领导", "参加领导", "领导姓名")),
    Column("activity_type", "活动类型", required=True, aliases=("类型",)),
    Column("enterprise", "对接企业", aliases=("企业名称", "企业")),
    Column("tags", "企业标签", aliases=("企业类型",)),
    Column("place", "地点", aliases=("活动地点",)),
    Column("event_name", "活动名称", aliases=("会议名称", "推介会名称")),
    Column("problems_solved", "解决问题数", "int", aliases=("协调解决问题数", "解决问题")),
    Column("note", "备注"),
), aliases=("招商活动台账", "领导招商活动"))

SHEETS = (LEDGER, FUNDS, TARGETS, RESIDENT, PROBLEMS, ACTIVITIES)
OPTIONS_SHEET = "选项"  # the template's drop-down lists: not data, never reported as ignored


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload, located as Excel shows it."""
    sheet: str
    row: int | None
    column: str | None
    value: object
    message: str
    col: int | None = None  # zero-based column in the sheet, for annotating the workbook

    @property
    def shown_value(self) -> str:
        return "" if self.value is None else cell_text(self.value)

    def __str__(self) -> str:
        where = self.sheet + (f" 第{self.row}行" if self.row else "") + (f"【{self.column}】" if self.column else "")
        shown = f"“{self.shown_value}”" if self.shown_value else ""
        return f"{where}{shown} {self.message}"


def cell_text(value) -> str:
    """A cell as Excel displays it: the reader gives every number as a float, so a 项目编号 typed as
    20230001 reads 20230001.0 and -1 reads -1.0; those show (and match) as 20230001 and -1."""
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)


@dataclass
class SheetRows:
    sheet: Sheet
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (Excel row number, field -> value)
    extra_columns: list[str] = field(default_factory=list)
    title_texts: list[str] = field(default_factory=list)  # texts above the header (title, 填报单位, …)


def norm(text) -> str:
    """Names compared loosely: full-width forms folded, spaces and a trailing * dropped."""
    return "".join(str(text).translate(FULLWIDTH).split()).rstrip("*")


BRACKET_KINDS = str.maketrans("[{【〔〖「『<《]}】〕〗」』>》", "((((((((()))))))))")


def name_key(text) -> str:
    """A project name as rows without 项目编号 are matched by: full- and half-width forms alike
    (NFKC), no spaces, every kind of bracket alike, letters in any case."""
    folded = unicodedata.normalize("NFKC", str(text)).translate(BRACKET_KINDS)
    return "".join(folded.split()).casefold()


def _match_header(cell, sheet: Sheet) -> tuple[Column, Decimal, str] | None:
    """The column a header cell names, the factor converting its unit to 亿元, and the header as
    written (problems quote it)."""
    text = norm(cell)
    unit = Decimal(1)
    m = re.fullmatch(r"(.+?)\((万元|亿元|万|亿)\)", text)
    if m:
        text, unit = m.group(1), (1 / WAN_PER_YI if m.group(2).startswith("万") else Decimal(1))
    for col in sheet.columns:
        if text == col.header or text in col.aliases:
            return col, unit, norm(cell)
    return None


class _FormulaWithoutValue:
    """Marks a formula cell that has no cached result (never read it as empty or 0)."""

    def __repr__(self) -> str:
        return "公式"


FORMULA_WITHOUT_VALUE = _FormulaWithoutValue()


def sheet_spec(title: str) -> Sheet | None:
    return next((s for s in SHEETS if norm(title) in (s.name, *s.aliases)), None)


@dataclass
class SheetRead:
    """One recognised sheet as read: its place in the workbook, its kind, its typed rows (None when
    it has too many rows to read) and the problems found reading it."""
    position: int
    sheet: Sheet
    rows: SheetRows | None
    problems: list[Problem]


def read_workbook(content: bytes, ignored: list[str] | None = None) -> Iterator[SheetRead]:
    """Every recognised sheet as typed rows with the problems found reading it, each given as soon
    as it is read (the largest sheet is read apart from the others, see upload_guard.SheetReader),
    not in workbook order. Of several sheets of one kind, only the first (in workbook order) that
    could be read counts: the others are not given. ``found_sheets`` gathers them. The names of
    the sheets not read (not recognised, whatever they hold) are added to ``ignored``.

    Raises upload_guard.UploadRejected when the file as a whole cannot be read, possibly after
    some sheets were given.
    """
    reader = SheetReader(content, lambda title: sheet_spec(title) is not None)
    if ignored is not None:
        ignored += [name for name in reader.ignored if name != OPTIONS_SHEET]
    waiting: dict[str, list[int]] = defaultdict(list)  # kind -> places of its sheets not given yet
    for name in reader.names:
        waiting[sheet_spec(name).name].append(reader.position[name])
    arrived: dict[int, SheetRead] = {}
    found: set[str] = set()

    def ready(kind: str, final: bool = False) -> Iterator[SheetRead]:
        """The sheets of ``kind`` that can be given now: each once every earlier sheet of its kind
        has been (or, ``final``, when no more will come)."""
        places = waiting[kind]
        while places and (places[0] in arrived or final):
            item = arrived.pop(places.pop(0), None)
            if item is not None and kind not in found:
                if item.rows is not None:
                    found.add(kind)
                yield item

    with contextlib.closing(iter(reader)) as sheets:
        for raw in sheets:  # a sheet is converted while the workers read the others
            item = _convert(raw)
            arrived[raw.position] = item
            yield from ready(item.sheet.name)
    for kind in list(waiting):  # a sheet the reader did not give (never seen) holds none back
        yield from ready(kind, final=True)


def found_sheets(read: list[SheetRead]) -> tuple[dict[str, SheetRows], list[Problem]]:
    """The sheets given by ``read_workbook`` by kind, in workbook order, and the problems found
    reading them, in workbook order too (a workbook without any recognised sheet is one)."""
    found: dict[str, SheetRows] = {}
    problems: list[Problem] = []
    for item in sorted(read, key=lambda item: item.position):
        problems += item.problems
        if item.rows is not None:
            found[item.sheet.name] = item.rows
    if not found:
        problems.append(Problem("工作簿", None, None, None, MSG["no_known_sheet"]))
    return found, problems


def _convert(raw: RawSheet) -> SheetRead:
    sheet, problems = sheet_spec(raw.name), []
    if raw.rows > settings.get("upload_max_rows"):
        problems.append(Problem(raw.name, None, None, None, MSG["too_many_rows"].format(
            rows=settings.get("upload_max_rows"))))
        return SheetRead(raw.position, sheet, None, problems)
    columns = raw.columns
    _fill_merged(columns, raw.rows, raw.merged)
    for r, c in raw.formulas_without_value:
        if r < raw.rows and c < len(columns):
            _writable(columns, c)[r] = FORMULA_WITHOUT_VALUE
    return SheetRead(raw.position, sheet, _read_sheet(sheet, raw.name, columns, raw.rows, problems), problems)


def _writable(columns: list, c: int) -> list:
    """Column ``c`` as a list that can be changed (the reader gives tuples)."""
    if not isinstance(columns[c], list):
        columns[c] = list(columns[c])
    return columns[c]


def _fill_merged(columns: list, rows: int, ranges) -> None:
    """A merged range holds its value in the top-left cell only: copy it to every cell of the range
    (a 县区 merged down several rows, a header merged over two rows)."""
    for (r1, c1), (r2, c2) in ranges:
        if r1 >= rows or c1 >= len(columns):
            continue
        value = columns[c1][r1]
        for c in range(c1, min(c2, len(columns) - 1) + 1):
            cells = _writable(columns, c)
            for r in range(r1, min(r2, rows - 1) + 1):
                cells[r] = value


PERIOD_IN_TITLE = re.compile(r"(\d{4})\s*年度?\s*(?:1\s*月?\s*[-—~～至到]\s*)?(\d{1,2})\s*月"
                             r"|(?<!\d)1\s*月?\s*[-—~～至到]\s*(\d{1,2})\s*月")


def period_in_text(text: str) -> tuple[int | None, int] | None:
    """'2022年10月' / '2022年1-10月' / '2022年1月至10月' → (2022, 10); '1-10月' → (None, 10)."""
    m = PERIOD_IN_TITLE.search(text.translate(FULLWIDTH))
    if not m:
        return None
    if m.group(1):
        return int(m.group(1)), int(m.group(2))
    return None, int(m.group(3))


def _read_sheet(sheet: Sheet, title: str, columns: list, rows: int, problems: list[Problem]) -> SheetRows:
    """The rows below the sheet's header as typed values; problems are appended to ``problems``.

    Works a column at a time: the cells a reader gives for a well-formed upload are converted in one
    pass per column (``_ColumnRead``); the others go through ``_parse`` once the rows to skip (empty,
    合计, 填报人 …) are known."""
    header_idx, mapping = _find_header(sheet, columns, rows)
    out = SheetRows(sheet)
    if header_idx is None:
        problems.append(Problem(title, None, None, None,
                                MSG["missing_column"].format(column="、".join(c.header for c in sheet.columns
                                                                          if c.required))))
        return out
    out.title_texts = [str(c) for r in range(header_idx) for c in (col[r] for col in columns)
                       if isinstance(c, str) and c.strip()]
    header = [col[header_idx] for col in columns]
    out.extra_columns = [str(h) for i, h in enumerate(header) if h not in (None, "") and i not in mapping
                         and norm(h) not in ("序号", "编号序号")]
    present = {col.field for col, _, _ in mapping.values()}
    missing = [c.header for c in sheet.columns if c.required and c.field not in present]
    for name in missing:
        problems.append(Problem(title, header_idx + 1, name, None, MSG["missing_column"].format(column=name)))
    if missing:
        return out
    first = header_idx + 1  # the first data row, zero-based (Excel shows row n as n + 1)
    read = [_ColumnRead(i, col, unit, written, columns[i][first:])
            for i, (col, unit, written) in sorted(mapping.items())]
    skip = _skipped_rows(columns, first, rows - first, read)
    found: list[Problem] = []
    for c in read:
        for n in c.slow:
            if n not in skip:
                c.values[n] = _parse(title, first + n + 1, c.index, c.spec, c.unit, c.written, c.cells[n], found)
    found.sort(key=lambda p: (p.row, p.col))  # as they would be found row by row, left to right
    problems += found
    # fields given but not readable (already reported), so no rule reports them again as missing
    unreadable: dict[int, set] = defaultdict(set)
    for p in found:
        if p.value is not None:
            unreadable[p.row].add(mapping[p.col][0].field)
    fields = [c.spec.field for c in read]
    out.rows = [(first + n + 1, dict(zip(fields, values), _unreadable=unreadable.get(first + n + 1) or set()))
                for n, values in enumerate(zip(*(c.values for c in read))) if n not in skip]
    return out


def _skipped_rows(columns: list, first: int, count: int, read: list[_ColumnRead]) -> set[int]:
    """The data rows (0 = the row below the header) that are not records: empty in every column
    read, a 合计 / 小计 row, a 填报人 / 联系电话 footer, the template's example rows."""
    blanks = sorted((set(c.blank) for c in read), key=len)
    skip = blanks[0].intersection(*blanks[1:]) if blanks else set()
    for c in read:  # 合计 in any column read (such a cell is never converted by _parse_fast)
        cells = c.cells
        skip.update(n for n in c.slow if type(v := cells[n]) is str and "计" in v and norm(v) in SUMMARY_WORDS)
    # a row whose first filled cell, in any column, is 合计, 填报人…, 示例-…
    prefixes = (*FOOTER_PREFIXES, f"{TEMPLATE_EXAMPLE_PREFIX}-")
    pending = range(count)
    for column in columns:
        cells, still = column[first:], []
        for n in pending:
            v = cells[n]
            if v is None or v == "":
                still.append(n)
            elif type(v) is str \
                    and ((c := v[0]) in SKIP_INITIALS or (c.isspace() and v.lstrip()[:1] in SKIP_INITIALS)) \
                    and (norm(v) in SUMMARY_WORDS or norm(v).startswith(prefixes)):
                skip.add(n)
        pending = still
        if not pending:
            break
    return skip


def _find_header(sheet: Sheet, columns: list, rows: int):
    """The header row within the first 15 rows: the one naming most columns (at least 2)."""
    best = (None, {})
    for idx in range(min(15, rows)):
        mapping = {}
        for i, column in enumerate(columns):
            cell = column[idx]
            if cell not in (None, ""):
                hit = _match_header(cell, sheet)
                if hit and all(hit[0] is not c for c, _, _ in mapping.values()):
                    mapping[i] = hit
        if len(mapping) >= 2 and len(mapping) > len(best[1]):
            best = (idx, mapping)
    return best


BOOL_WORDS = {"是": True, "y": True, "yes": True, "√": True, "✓": True, "1": True, "true": True, "制造业": True,
              "否": False, "n": False, "no": False, "×": False, "x": False, "✗": False, "0": False, "false": False,
              "非制造业": False}


class _ColumnRead:
    """One column of a sheet's data rows: ``values`` as ``_parse`` gives them for the cells that need
    no checking (what the reader gives for a well-formed upload, most of a large one), None for the
    others, whose positions are in ``slow``; ``blank``: the empty cells (None, '' or spaces), which are slow
    too in a required column. Each kind is converted by one comprehension (the fast paths of
    ``_parse``, cell for cell), the cells they do not cover marked with ``_SLOW``."""

    def __init__(self, index: int, spec: Column, unit: Decimal, written: str, cells):
        self.index, self.spec, self.unit, self.written, self.cells = index, spec, unit, written, cells
        kind = spec.kind
        if kind == "text":  # 合计 never here: _skipped_rows finds it among the slow cells
            values = [(" ".join((v.translate(BRACKETS) if "（" in v or "）" in v else v).split()) or _SLOW)
                      if type(v) is str and "计" not in v else _SLOW for v in cells]
        elif kind == "amount" and unit == 1:
            values = [(Decimal(t) if "e" not in (t := repr(v)) and len(t) - t.index(".") <= 5  # ≤ 4 decimals
                       else Decimal(t).quantize(CENT, rounding=ROUND_HALF_UP))
                      if type(v) is float and 0 <= v < HUGE else _SLOW for v in cells]
        elif kind == "amount":
            values = [(Decimal(repr(v)) * unit).quantize(CENT, rounding=ROUND_HALF_UP)
                      if type(v) is float and 0 <= v < HUGE else _SLOW for v in cells]
        elif kind == "int":
            values = [int(v) if type(v) is float and v.is_integer() else _SLOW for v in cells]
        elif kind == "date":
            values = [v if type(v) is dt.date else _SLOW for v in cells]
        elif kind == "bool":
            values = [BOOL_WORDS.get(v, _SLOW) if type(v) is str else _SLOW for v in cells]
        else:
            values = [_SLOW] * len(cells)
        slow = [n for n, v in enumerate(values) if v is _SLOW]
        for n in slow:
            values[n] = None
        self.values = values
        self.blank = [n for n in slow if (v := cells[n]) is None or (type(v) is str and not v.strip())]
        if not spec.required and self.blank:
            blank = set(self.blank)
            slow = [n for n in slow if n not in blank]
        self.slow = slow


_SLOW = object()  # a cell _ColumnRead leaves to _parse


def _parse(title: str, row: int, index: int, col: Column, unit: Decimal, written: str, value,
           problems: list[Problem]):
    kind, t = col.kind, type(value)
    # fast paths for what the reader gives for well-formed cells (most of a large upload)
    if t is float and kind == "amount" and 0 <= value < HUGE:
        text = repr(value)
        number = Decimal(text)
        if unit == 1 and "e" not in text and len(text) - text.index(".") <= 5:
            return number  # at most 4 decimals already
        return (number * unit).quantize(CENT, rounding=ROUND_HALF_UP)
    if t is float and kind == "int" and value.is_integer():
        return int(value)
    if t is str and kind == "text" and value:
        if "（" in value or "）" in value:
            value = value.translate(BRACKETS)
        return " ".join(value.split()) or _parse(title, row, index, col, unit, written, None, problems)
    if t is dt.date and kind == "date":
        return value
    if value is FORMULA_WITHOUT_VALUE:
        problems.append(Problem(title, row, written, "公式", MSG["formula_no_value"], index))
        return None
    if isinstance(value, str):
        value = value.strip()
    if value in (None, ""):
        if col.required:
            problems.append(Problem(title, row, written, None, MSG["required"], index))
        return None
    try:
        if col.kind == "text":
            return " ".join(cell_text(value).translate(BRACKETS).split())
        if col.kind == "amount":
            number = (parse_number(value) * unit).quantize(CENT, rounding=ROUND_HALF_UP)
            if number < 0:
                problems.append(Problem(title, row, written, value, MSG["negative"], index))
                return None
            return number
        if col.kind == "int":
            number = parse_number(value)
            if number != number.to_integral_value():
                raise ValueError
            return int(number)
        if col.kind == "date":
            return parse_date(value)
        if col.kind == "bool":
            return parse_bool(value)
    except (ValueError, InvalidOperation):
        key = {"amount": "not_number", "int": "not_integer", "date": "not_date", "bool": "not_bool"}[col.kind]
        problems.append(Problem(title, row, written, value, MSG[key], index))
        return None
    raise AssertionError(col.kind)


def parse_number(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = str(value).translate(FULLWIDTH).replace(",", "").replace(" ", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(value)
    return Decimal(text)


EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValueError(value)
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).translate(FULLWIDTH).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?", text)
    if not m:
        raise ValueError(value)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def parse_bool(value) -> bool:
    text = norm(value).lower()
    if text in {"是", "y", "yes", "√", "✓", "1", "true", "制造业"}:
        return True
    if text in {"否", "n", "no", "×", "x", "✗", "0", "false", "非制造业"}:
        return False
    raise ValueError(value)
