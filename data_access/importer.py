"""Imports an upload workbook in one transaction and records what it changed.

Flow: read (data_access.excel) → resolve names and check every rule, collecting all problems →
if any, raise ImportRejected and write nothing → else open the batch (data_access.batches: its
region, kinds, the earlier uploads it supersedes) → write projects, funds, targets, activity and
problems, logging each row's previous value in ``batch_change`` → rebuild the touched regions'
summary → bump the data version. A dry run does the same and rolls the transaction back.
"""
from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import difflib
import functools
import gc
import hashlib
import itertools
import json
import os
import re
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Connection, Engine, bindparam, func, select, text, update

from data_access import audit, batches, db
from data_access.batches import ImportRejected, Superseded, shown
from data_access.excel import (
    LEDGER,
    SHEETS,
    Problem,
    SheetRead,
    SheetRows,
    found_sheets,
    name_key,
    norm,
    period_in_text,
    read_workbook,
)
from data_access.facts import rebuild_facts
from data_access.models import (
    ACTIVITY_TYPES,
    CHANNELS,
    CITY_REGION,
    ORIGINS,
    PROBLEM_STATUSES,
    STAGES,
    AnnualTarget,
    Chain,
    ChainAlias,
    ImportBatch,
    Project,
    Region,
    RegionAlias,
    ResidentActivity,
    StageChange,
    Tag,
)
from data_access.upload_guard import UploadRejected
from labels import BATCH_MSG, GONE_TITLES, KIND_LABELS, MSG, NOTE_MSG, TARGET_INDICATORS, UPLOAD_RIGHTS_MSG

__all__ = ["ImportRejected", "ImportResult", "import_workbook", "resolve_period"]

STAGE_DATE = {"签约": "sign_date", "开工": "start_date", "投产": "production_date"}


@dataclass
class ImportResult:
    batch_id: int | None
    year: int
    month: int
    region: str | None  # the batch's region (None: 全市), chosen or found from the rows
    named: list[str] = field(default_factory=list)  # the counties the rows name
    unchanged: bool = False
    dry_run: bool = False
    counts: dict = field(default_factory=lambda: defaultdict(int))
    changes: list[dict] = field(default_factory=list)  # project field changes, for the preview
    stage_changes: list[dict] = field(default_factory=list)
    # what new_projects and funds_changes are built from, when first read (a commit never shows them)
    _new_rows: list[dict] = field(default_factory=list, repr=False)
    _funds_written: list[tuple] = field(default_factory=list, repr=False)  # (key, old row, new values)
    _code_of: dict[int, str] = field(default_factory=dict, repr=False)
    extra_columns: list[str] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)  # not read: not a sheet the import knows
    superseded: list[Superseded] = field(default_factory=list)  # earlier uploads replaced, with what goes
    kinds: list[str] = field(default_factory=list)  # the kinds of content carried (batches.KINDS)
    notes: list[str] = field(default_factory=list)  # 提示: worth a second look, not blocking
    touched_regions: set[int] = field(default_factory=set)
    inspected: object = None

    @functools.cached_property
    def new_projects(self) -> list[dict]:
        """The projects added, for the preview."""
        return [{"项目编号": r["code"], "项目名称": r["name"], "项目阶段": r["stage"],
                 "签约日期": shown(r["sign_date"]), "合同投资额(亿元)": shown(r["contract_amount"])}
                for r in self._new_rows]

    @functools.cached_property
    def funds_changes(self) -> list[dict]:
        """The 到位资金 rows added or replaced, for the preview."""
        return [{"项目编号": self._code_of[p], "年份": y, "月份": m,
                 "原值(亿元)": shown(old and old["amount"]), "新值(亿元)": shown(new[0])}
                for (p, y, m), old, new in self._funds_written]

    @property
    def removes_anything(self) -> bool:
        """Whether superseding earlier uploads removes rows (a page asks to confirm first)."""
        return any(s.gone for s in self.superseded)

    def superseded_lines(self) -> list[str]:
        """One line per upload superseded: which, and what disappears with it."""
        lines = []
        for s in self.superseded:
            gone = "、".join(BATCH_MSG[f"gone_{k}"].format(n=len(v)) for k, v in s.gone.items())
            lines.append(f"替代{s.describe()}" + (f",将移除其中的{gone}" if gone else ",不移除任何数据"))
        return lines

    def gone_lines(self) -> list[str]:
        """What disappears with the uploads superseded, a line per row (the command line prints them)."""
        return [f"  批次 #{s.batch_id} 将移除的{GONE_TITLES[kind]}:"
                + ",".join(f"{k} {v}" for k, v in row.items())
                for s in self.superseded for kind, rows in s.gone.items() for row in rows]

    def summary(self) -> str:
        """The headline, what it supersedes, the columns ignored, then each 提示 on a line of its own."""
        if self.unchanged:
            return self.headline()
        tail = "".join(f";{line}" for line in self.superseded_lines())
        extra = "".join(f";{part}" for part in self.ignored())
        return self.headline() + tail + extra + "".join(f"\n提示:{n}" for n in self.notes)

    def ignored(self) -> list[str]:
        """What of the file was not read: unknown columns, sheets the import does not know."""
        return ([f"已忽略未识别的列:{'、'.join(self.extra_columns)}"] if self.extra_columns else []) + \
            ([f"已忽略工作表:{'、'.join(self.ignored_sheets)}"] if self.ignored_sheets else [])

    def headline(self) -> str:
        if self.unchanged:
            return f"该文件已于批次 #{self.batch_id} 导入,内容相同,未做任何修改"
        c = self.counts
        head = "预检通过(未写入)" if self.dry_run else f"导入成功,批次 #{self.batch_id}"
        parts = [f"新增项目{c['new_projects']}个", f"更新项目{c['updated_projects']}个",
                 f"阶段变化{c['stage_changes']}个", f"到位资金{c['funds_rows']}条", f"年度目标{c['targets']}条",
                 f"驻点招商{c['resident_rows']}条", f"企业诉求{c['problem_rows']}条"]
        parts += [f"招商活动{c['activity_rows']}条"] if c["activity_rows"] else []
        where = f"{self.year}年{self.month}月,{self.region or CITY_REGION}"
        return f"{head}({where}):" + ",".join(parts)


def resolve_period(year, month, sheets: dict, file_name: str) -> tuple[int, int] | None:
    """The reporting period: the uploader's choice, else a title such as 2022年1-10月 in the file,
    else the file name (a title's 1-10月 takes its year from the choice or the file name)."""
    if year and month:
        return year, month
    found = [period_in_text(t) for s in sheets.values() for t in s.title_texts]
    named = period_in_text(file_name)
    bare_year = re.search(r"(?<!\d)(20\d{2})(?!\d)", file_name or "")
    for y, m in [p for p in found if p] + ([named] if named else []):
        y = y or year or (named[0] if named else None) or (int(bare_year.group(1)) if bare_year else None)
        if y and 1 <= m <= 12:
            return y, m
    return None


def import_workbook(engine: Engine, content: bytes, file_name: str, year: int | None = None,
                    month: int | None = None, region: str | None = None, user: str = "cli",
                    dry_run: bool = False, inspect: Callable[[Connection, ImportResult], object] | None = None,
                    allowed_regions: Collection[str] | None = None, targets_allowed: bool = True) -> ImportResult:
    """Import ``content`` (the bytes of an .xlsx) for the period and region, as ``user``.

    ``region``: the uploader's choice (a county, or 全市); None: the one county the rows name, or
    全市 when they name several (a staff account: its own region). See batches.batch_region.

    Raises ImportRejected with every problem found, having written nothing; on success returns what
    changed. With ``dry_run`` everything is done and then rolled back. ``inspect(conn, result)``, when given,
    runs after the writes inside the transaction (a preview reads the figures as they would become)
    and its value is returned as ``result.inspected``.

    ``allowed_regions`` (a staff account's regions; None = any) restricts the upload: the region
    must be one of them (not 全市) and the rows naming another region are a problem.
    Without ``targets_allowed`` a 年度目标 sheet is refused (targets are set by admins).
    """
    with _collector_paused():
        return _import(engine, content, file_name, year, month, region, user, dry_run, inspect, allowed_regions,
                       targets_allowed)


_pauses = 0
_pauses_lock = threading.Lock()
_collector_was_enabled = False


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while imports run. An import allocates millions of
    objects that live until it ends (cells, values, rows), so the collector would walk the growing
    heap again and again: a quarter of the import's time at 100,000 rows. Reference counting still
    frees everything; the few cycles left are collected once the collector is back on. Overlapping
    imports (threads of the web app) turn it back on when the last one ends."""
    global _pauses, _collector_was_enabled
    with _pauses_lock:
        if _pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_enabled:
                gc.enable()


def _import(engine: Engine, content: bytes, file_name: str, year, month, region, user, dry_run,
            inspect, allowed_regions=None, targets_allowed=True) -> ImportResult:
    ignored: list[str] = []  # the sheets not read
    arriving: Iterable[SheetRead] = _sheets(content, ignored)
    if not (year and month):  # the period may come from any sheet's title: read them all first
        arriving = list(arriving)
        found, problems = found_sheets(arriving)
        period = resolve_period(year, month, found, file_name)
        if period is None:
            raise ImportRejected(problems + [Problem("工作簿", None, None, None, MSG["no_period"])])
        year, month = period
    else:  # the first sheet before the database: a file that cannot be read is refused without it
        first = list(itertools.islice(arriving, 1))
        arriving = itertools.chain(first, arriving)
    sha = hashlib.sha256(content).hexdigest()
    # the innermost context ends first: the background write is over before the transaction ends
    with engine.connect() as conn, conn.begin() as transaction, ThreadPoolExecutor(1) as background:
        if engine.dialect.name == "sqlite":
            # write first, so this transaction holds SQLite's write lock from the start and a
            # concurrent import waits for it instead of failing on a stale read snapshot
            db.bump_data_version(conn)
        names = _Names(conn)
        chosen = names.regions.get(norm(region)) if region else None
        region_problems = [Problem("工作簿", None, "县区", region, MSG["unknown_region"].format(value=region)
                                   + names.suggest(region, names.regions))] if region and chosen is None else []
        allowed = None
        if allowed_regions is not None:
            allowed = {names.regions[norm(r)] for r in allowed_regions if norm(r) in names.regions}
            mine = "、".join(allowed_regions)
            if chosen == names.city_id:
                region_problems.append(Problem("工作簿", None, "县区", CITY_REGION,
                                               UPLOAD_RIGHTS_MSG["region_required"].format(regions=mine)))
            elif chosen is not None and chosen not in allowed:
                region_problems.append(Problem("工作簿", None, "县区", region, UPLOAD_RIGHTS_MSG[
                    "region_not_allowed"].format(regions=mine, value=region)))
        plan = _Plan(conn, names, year, month, None if chosen == names.city_id else chosen, region,
                     allowed=(allowed, "、".join(allowed_regions or ())), targets_allowed=targets_allowed)
        result = ImportResult(None, year, month, None, dry_run=dry_run)
        opening = _Opening(conn, content, sha, file_name, user, year, month, result)
        read: list[SheetRead] = []
        early: Future | None = None
        for item in arriving:  # each sheet checked as soon as it is read
            read.append(item)
            if item.rows is None:
                continue
            plan.check(item.sheet.name, item.rows)
            if item.sheet is LEDGER and not region_problems and not plan.problems \
                    and not any(r.problems for r in read):
                if batches.region_settled(chosen, plan.named, names.city_id, allowed):
                    batch_region, _ = batches.batch_region(chosen, plan.named, names.city_id, allowed)
                    # the projects are written while the other sheets are read and checked, which
                    # needs no database: the connection is the background thread's until it is done
                    early = background.submit(_write_early, opening, batch_region, plan, result)
        if early is not None:
            early.result()
        plan.check_codes()  # the regions of the projects funds rows name count as named
        batch_region, why = batches.batch_region(chosen, plan.named, names.city_id, allowed)
        if why and not region_problems:
            region_problems.append(Problem("工作簿", None, "县区", None, why))
        result.region = names.region_names.get(batch_region) if batch_region else None
        result.named = [names.region_names[r] for r in sorted(plan.named - {names.city_id})]
        plan.region_id, plan.region_name = batch_region, result.region
        sheets, problems = found_sheets(read)
        problems += region_problems + plan.problems
        if sheets and not any(s.rows for s in sheets.values()) and not problems:
            problems.append(Problem("工作簿", None, None, None, MSG["no_rows"]))
        if problems:
            raise _rejection(problems, result)
        result.extra_columns = [c for s in sheets.values() for c in s.extra_columns]
        result.ignored_sheets = ignored
        result.kinds = sorted({batches.SHEET_KIND[name] for name, s in sheets.items() if s.rows},
                              key=batches.KINDS.index)
        if not opening.open(batch_region, result.kinds):  # the same file is already imported
            transaction.rollback()
            return result
        if result.superseded:  # rows may name a project only the superseded batches had
            plan.check_codes()
            if plan.problems:
                raise _rejection(plan.problems, result)
        touched = plan.write(opening.writer, result) | opening.touched
        batches.record_regions(conn, result.batch_id, {batch_region} if batch_region else plan.named - {names.city_id})
        for superseded in result.superseded:
            batches.what_goes(conn, superseded)
        result.notes = plan.notes()
        rebuild_facts(conn, touched)
        result.touched_regions = touched
        rows = sum(len(s.rows) for s in sheets.values())
        conn.execute(update(ImportBatch).where(ImportBatch.id == result.batch_id).values(
            row_count=rows, summary=json.dumps(dict(result.counts), ensure_ascii=False),
            notes=json.dumps(result.notes, ensure_ascii=False) if result.notes else None))
        if engine.dialect.name != "sqlite":
            db.bump_data_version(conn)
        if not dry_run:
            audit.record(conn, user, "upload", f"#{result.batch_id}", after={
                "文件": file_name, "县区": result.region or CITY_REGION, "期间": f"{year}年{month}月",
                "内容": "、".join(KIND_LABELS[k] for k in result.kinds), "行数": rows,
                **({"替代批次": [f"#{s.batch_id}" for s in result.superseded]} if result.superseded else {}),
                "变化": dict(result.counts), **({"提示": result.notes} if result.notes else {})})
        if inspect is not None:
            result.inspected = inspect(conn, result)
        if dry_run:
            transaction.rollback()
        elif os.environ.get("ZSDASH_TEST_HOLD_BEFORE_COMMIT"):
            # crash-safety tests only: announce that every row is written, then wait to be killed
            print("HOLD", flush=True)
            sys.stdin.readline()
    return result


def _write_early(opening: _Opening, region_id, plan: _Plan, result: ImportResult) -> None:
    """The ledger's projects, written before the rest of the file is read, when the batch can be
    opened early."""
    if opening.open(region_id, ["ledger"], early=True):
        plan.write(opening.writer, result, projects_only=True)


class _Opening:
    """Opens the batch an import writes (data_access.batches does the work): once every row is known
    to be valid, or early (the ledger's projects written while the rest of the file is read) when
    nothing is to be superseded. Opening takes the region, period and kinds' locks, finds an
    identical earlier import (then nothing is written), records the batch and the file, and
    supersedes the earlier uploads of the same region, period and kinds."""

    def __init__(self, conn: Connection, content: bytes, sha: str, file_name: str, user: str, year: int,
                 month: int, result: ImportResult):
        self.conn, self.content, self.sha, self.file_name, self.user = conn, content, sha, file_name, user
        self.year, self.month, self.result = year, month, result
        self.writer: _Writer | None = None
        self.touched: set[int] = set()

    def open(self, region_id, kinds: list[str], early: bool = False) -> bool:
        """Whether rows are to be written now: not when this very file is imported already, nor
        ``early`` when an earlier upload is to be superseded (its rows are undone first)."""
        conn, result = self.conn, self.result
        if result.unchanged:
            return False
        batches.lock(conn, region_id, self.year, self.month, kinds)
        if self.writer is None:
            same = batches.same_file(conn, self.sha, region_id, self.year, self.month)
            if same is not None:
                result.batch_id, result.unchanged = same, True
                return False
            if early and batches.current(conn, region_id, self.year, self.month, batches.KINDS):
                return False
            result.batch_id = batches.create(conn, user=self.user, file_name=self.file_name, sha=self.sha,
                                             region_id=region_id, year=self.year, month=self.month,
                                             content=self.content)
            self.writer = _Writer(conn, result.batch_id)
        if early:
            return True
        earlier = batches.current(conn, region_id, self.year, self.month, kinds)
        earlier.pop(result.batch_id, None)
        for batch_id, superseded_kinds in earlier.items():
            superseded, deleted_ids, touched = batches.supersede(conn, batch_id, superseded_kinds, result.batch_id)
            result.superseded.append(superseded)
            self.writer.reuse_ids |= deleted_ids
            self.writer.previous_rows(superseded.rows)
            self.touched |= touched
        batches.record_kinds(conn, result.batch_id, kinds)
        return True


def _rejection(problems: list[Problem], result: ImportResult | None = None) -> ImportRejected:
    """The problems in sheet order (the template's), then by row; with the batch's region and the
    counties the rows name, when known (a page preselects the region)."""
    order = {s.name: i for i, s in enumerate(SHEETS)}
    rejected = ImportRejected(sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row or 0)))
    if result is not None:
        rejected.region, rejected.named = result.region, result.named
    return rejected


def _sheets(content: bytes, ignored: list[str]) -> Iterator[SheetRead]:
    try:
        yield from read_workbook(content, ignored)
    except UploadRejected as exc:
        raise ImportRejected([Problem("文件", None, None, None, str(exc))]) from exc


class _Names:
    """Configured names (with aliases), normalised, for lookups and 您是不是要填 suggestions."""

    def __init__(self, conn: Connection):
        self.regions = {norm(n): i for i, n in conn.execute(select(Region.id, Region.name))}
        self.regions |= {norm(a): i for a, i in conn.execute(select(RegionAlias.alias, RegionAlias.region_id))}
        self.region_names = {i: n for i, n in conn.execute(select(Region.id, Region.name))}
        self.city_id = self.regions[norm(CITY_REGION)]
        self.chains = {norm(n): i for i, n in conn.execute(select(Chain.id, Chain.name))}
        self.chains |= {norm(a): i for a, i in conn.execute(select(ChainAlias.alias, ChainAlias.chain_id))}
        self.tags = {norm(n): (n, k) for n, k in conn.execute(select(Tag.name, Tag.kind))}
        self.indicators = {i: i for i in TARGET_INDICATORS} | {
            i: i for i in conn.scalars(select(AnnualTarget.indicator).distinct())}

    @staticmethod
    def suggest(value, table: dict) -> str:
        close = difflib.get_close_matches(norm(value), list(table), n=1, cutoff=0.5)
        if not close:
            close = [k for k in table if k and (k in norm(value) or norm(value) in k)][:1]
        return MSG["did_you_mean"].format(suggestion=close[0]) if close else ""


class _Plan:
    """Checks every row against the configuration and the rules, sheet by sheet as they are read,
    then writes them."""

    CHECKS = ("项目台账", "到位资金明细", "年度目标", "驻点招商", "问题台账", "招商活动", "项目编号")

    def __init__(self, conn, names: _Names, year, month, region_id, region_name,
                 allowed: tuple[set[int] | None, str] = (None, ""), targets_allowed: bool = True):
        self.conn, self.names, self.year, self.month = conn, names, year, month
        self.region_id, self.region_name = region_id, region_name  # the chosen region (None: none chosen)
        self.allowed, self.allowed_label = allowed
        self.targets_allowed = targets_allowed
        self.found: dict[str, list[Problem]] = {name: [] for name in self.CHECKS}
        self.checking = self.CHECKS[0]
        self.projects: list[tuple[int, dict]] = []
        self.funds: list[tuple[int, dict]] = []
        self.targets: list[dict] = []
        self.resident: list[tuple[int, dict]] = []
        self.issues: list[dict] = []
        self.activities: list[dict] = []
        self.known_codes: dict[str, dict] = {}
        self.named: set[int] = set()  # the regions the rows name
        self.foreign: dict[tuple, list[int]] = defaultdict(list)  # (sheet, value, why) -> rows of another region
        self.written: dict | None = None  # what writing the projects left for the rest

    @property
    def problems(self) -> list[Problem]:
        """Every problem found so far, in the order of a check of the sheets one after the other."""
        return [p for name in self.CHECKS for p in self.found[name]]

    def bad(self, sheet, row, column, value, message):
        self.found[self.checking].append(Problem(sheet, row, column, value, message))

    def _region(self, sheet, row, value, allow_city=False):
        if value is None:
            return None
        rid = self.names.regions.get(norm(value))
        if rid is None:
            self.bad(sheet, row, "县区", value, MSG["unknown_region"].format(value=value)
                     + self.names.suggest(value, self.names.regions))
            return None
        if rid == self.names.city_id and not allow_city:
            self.bad(sheet, row, "县区", value, MSG["city_only"])
            return None
        self.named.add(rid)
        if self.allowed is not None and rid not in self.allowed and rid != self.names.city_id:
            self.foreign[(sheet, self.names.region_names[rid], MSG["why_staff_region"].format(
                regions=self.allowed_label))].append(row)
        elif self.region_id is not None and rid not in (self.region_id, self.names.city_id):
            self.foreign[(sheet, self.names.region_names[rid], MSG["why_batch_region"].format(
                region=self.names.region_names[self.region_id]))].append(row)
        return rid

    def _report_foreign(self, sheet: str):
        """Rows naming a region the upload is not for: one problem per region, with the rows' range."""
        for (s, value, why), rows in list(self.foreign.items()):
            if s != sheet:
                continue
            where = MSG["rows_one"].format(first=rows[0]) if len(rows) == 1 else \
                MSG["rows_many"].format(first=min(rows), last=max(rows), n=len(rows))
            self.found[self.checking].append(Problem(sheet, None, "县区", value, MSG["rows_of_region"].format(
                rows=where, value=value, why=why)))
            del self.foreign[(s, value, why)]

    def _choice(self, sheet, row, column, value, choices):
        if value is not None and value not in choices:
            self.bad(sheet, row, column, value, MSG["bad_choice"].format(value=value, choices="、".join(choices)))

    def check(self, name: str, sheet: SheetRows):
        """Check the rows of sheet kind ``name``; for the ledger, also its project codes."""
        self.checking = name
        if name == "年度目标" and not self.targets_allowed and sheet.rows:
            self.bad(name, None, None, None, UPLOAD_RIGHTS_MSG["targets_admin_only"])
            return
        if name == "到位资金明细":  # the longest sheet by far: one loop, no call per row
            self._check_funds(name, sheet.rows)
            return
        method = {"项目台账": self._check_ledger, "年度目标": self._check_targets, "驻点招商": self._check_resident,
                  "问题台账": self._check_issues, "招商活动": self._check_activities}[name]
        for excel_row, row in sheet.rows:
            method(name, excel_row, row)
        self._report_foreign(name)
        if name == "项目台账":
            self._identify(name, [(r, row) for r, row in self.projects if row.get("_no_code")])
            self._unique_codes()

    def _identify(self, sheet: str, rows: list[tuple[int, dict]], in_file: dict | None = None):
        """Rows without 项目编号 (SPEC §3): the existing project of the row's region whose name matches
        (excel.name_key: full/half width, spaces, brackets, case), else a code made of region and name.
        Two such projects are a problem naming both. ``in_file``: (region id, name key) -> codes of
        projects this file adds."""
        regions = sorted({row["region_id"] for _, row in rows if row.get("region_id") is not None})
        if not regions:
            return
        candidates: dict[tuple, dict] = defaultdict(dict)  # (region id, name key) -> code -> name
        for code, name, rid in self.conn.execute(select(Project.code, Project.name, Project.region_id).where(
                Project.region_id.in_(regions))):
            candidates[(rid, name_key(name))][code] = name
        for key, codes in (in_file or {}).items():
            candidates[key] |= dict.fromkeys(codes)
        for r, row in rows:
            if row.get("region_id") is None:
                continue
            matches = candidates.get((row["region_id"], name_key(row["name"])), {})
            found = sorted(matches)
            region = self.names.region_names[row["region_id"]]
            if len(found) > 1:
                self.bad(sheet, r, "项目名称", row["name"], MSG["same_name"].format(
                    region=region, value=row["name"], codes="、".join(found)))
            elif found and matches[found[0]]:  # the project keeps its name as written before
                row["name"] = matches[found[0]]
            row["code"] = found[0] if found else f"{region}-{norm(row['name'])}"

    def _check_ledger(self, s, r, row):
        row["region_id"] = self._region(s, r, row["region"])
        chain = row.get("chain")
        row["chain_id"] = self.names.chains.get(norm(chain)) if chain else None
        if chain and row["chain_id"] is None:
            self.bad(s, r, "产业链", chain, MSG["unknown_chain"].format(value=chain)
                     + self.names.suggest(chain, self.names.chains))
        self._choice(s, r, "项目阶段", row.get("stage"), STAGES)
        self._choice(s, r, "投资来源", row.get("origin"), ORIGINS)
        self._choice(s, r, "招商方式", row.get("channel"), CHANNELS)
        self._tags(s, r, row)
        row["signed_event"] = norm(row["signed_event"]) if row.get("signed_event") else None
        stage = row.get("stage")
        if stage in STAGES:
            order = STAGES.index(stage)
            needs = [("sign_date", "签约日期"), ("contract_amount", "合同投资额(亿元)")] if order >= 1 else []
            needs += [("start_date", "开工日期")] if stage in ("开工", "投产") else []
            needs += [("production_date", "投产日期")] if stage == "投产" else []
            for fld, col in needs:
                if row.get(fld) is None and fld not in row["_unreadable"] \
                        and not (stage == "终止" and fld == "contract_amount"):
                    self.bad(s, r, col, None, MSG["stage_needs"].format(stage=stage, column=col))
        if row.get("sign_date") and row.get("start_date") and row["start_date"] < row["sign_date"]:
            self.bad(s, r, "开工日期", row["start_date"], MSG["start_before_sign"].format(sign=row["sign_date"]))
        if row.get("start_date") and row.get("production_date") and row["production_date"] < row["start_date"]:
            self.bad(s, r, "投产日期", row["production_date"],
                     MSG["production_before_start"].format(start=row["start_date"]))
        row["_no_code"] = not row.get("code") and bool(row.get("name"))
        self.projects.append((r, row))

    def _tags(self, s, r, row):
        """企业标签 from the configured list: the row's ``tags`` as stored, ``is_top500``, ``is_little_giant``."""
        tags = [t for t in re.split(r"[、,，;；/\s]+", row.get("tags") or "") if t]
        known = [self.names.tags.get(norm(t)) for t in tags]
        for t, k in zip(tags, known):
            if k is None:
                self.bad(s, r, "企业标签", t, MSG["unknown_tag"].format(
                    value=t, choices="、".join(n for n, _ in self.names.tags.values())))
        row["tags"] = "、".join(k[0] for k in known if k) or None
        row["is_top500"] = any(k and k[1] == "top500" for k in known)
        row["is_little_giant"] = any(k and k[1] == "little_giant" for k in known)

    def _check_activities(self, s, r, row):
        row["region_id"] = self._region(s, r, row.get("region"), allow_city=True)
        self._choice(s, r, "活动类型", row.get("activity_type"), ACTIVITY_TYPES)
        if (row.get("problems_solved") or 0) < 0:
            self.bad(s, r, "解决问题数", row["problems_solved"], MSG["problems_negative"])
        self._tags(s, r, row)
        self.activities.append({
            "activity_date": row.get("activity_date"), "region_id": row["region_id"], "leader": row.get("leader"),
            "activity_type": row.get("activity_type"), "enterprise": row.get("enterprise") or "",
            "event_name": norm(row["event_name"]) if row.get("event_name") else "", "tags": row["tags"],
            "is_top500": row["is_top500"], "place": row.get("place"),
            "problems_solved": row.get("problems_solved") or 0, "note": row.get("note")})

    def _unique_codes(self):
        """One row per project code: identical duplicates count once, conflicting ones are reported."""
        self.checking = "项目编号"
        seen: dict[str, tuple[int, dict]] = {}
        unique = []
        for r, row in self.projects:
            code = row.get("code")
            if code in seen:
                if seen[code][1] != row:
                    self.bad(LEDGER.name, r, "项目编号", code, MSG["conflicting_code"].format(
                        value=code, other=seen[code][0]))
                continue
            seen[code] = (r, row)
            unique.append((r, row))
        self.projects = unique

    def check_codes(self):
        """Once every sheet is checked: the projects that funds and problems rows name exist."""
        self.checking = "项目编号"
        codes_in_file = {row.get("code") for _, row in self.projects}
        unnamed = [(r, row) for r, row in self.funds if row.get("code") is None and row.get("name")
                   and row.get("region")]
        for _, row in unnamed:
            row["region_id"] = self.names.regions.get(norm(row["region"]))
        in_file = defaultdict(set)
        for _, row in self.projects:
            if row.get("region_id") is not None and row.get("name"):
                in_file[(row["region_id"], name_key(row["name"]))].add(row["code"])
        self._identify("到位资金明细", unnamed, in_file)
        wanted = {row["code"] for _, row in self.funds if row.get("code")} | \
                 {row["code"] for row in self.issues if row.get("code")}
        wanted -= codes_in_file
        self.known_codes = _lookup_projects(self.conn, wanted)
        self.named |= {self.known_codes[row["code"]]["region_id"] for _, row in self.funds
                       if row.get("code") in self.known_codes}
        for r, row in self.funds:
            code = row.get("code")
            if code not in codes_in_file and code not in self.known_codes:
                self.bad("到位资金明细", r, "项目编号", code or row.get("name"), MSG["unknown_project"].format(
                    value=code or row.get("name")))
            elif code in self.known_codes and self.region_id is not None \
                    and self.known_codes[code]["region_id"] != self.region_id:
                self.bad("到位资金明细", r, "项目编号", code, MSG["wrong_region"].format(
                    region=self.region_name, value=self.names.region_names[self.known_codes[code]["region_id"]]))

    def _check_funds(self, s, rows: list[tuple[int, dict]]):
        for r, row in rows:
            month = row["month"]
            if month is not None and not 1 <= month <= 12:
                self.bad(s, r, "月份", month, MSG["bad_month"])
        self.funds += rows

    def _check_targets(self, s, r, row):
        row["region_id"] = self._region(s, r, row["region"], allow_city=True)
        row["indicator"] = norm(row["indicator"]) if row.get("indicator") else None
        known = self.names.indicators
        if row["indicator"] and row["indicator"] not in known:
            self.bad(s, r, "指标", row["indicator"], MSG["unknown_indicator"].format(
                value=row["indicator"], choices="、".join(known)) + self.names.suggest(row["indicator"], known))
        self.targets.append({k: row[k] for k in ("year", "region_id", "indicator", "value")})

    def _check_resident(self, s, r, row):
        """A month may show more visits than new contacts (visits come from earlier contacts); a
        team's year-to-date visits above its contacts is a 提示 (``notes``)."""
        row["region_id"] = self._region(s, r, row.get("region"), allow_city=True)
        if row.get("month") is not None and not 1 <= row["month"] <= 12:
            self.bad(s, r, "月份", row["month"], MSG["bad_month"])
        self.resident.append((r, row))

    def notes(self) -> list[str]:
        """提示 once the rows are written: each 驻点招商 team whose visits from January through the
        latest month of the file exceed its contacts over the same months."""
        through: dict[tuple[str, int], tuple[int, int]] = {}  # (team, year) -> (latest month, first row)
        for r, row in self.resident:
            key = (row["team"], row["year"])
            if key not in through or row["month"] > through[key][0]:
                through[key] = (row["month"], r)
        if not through:
            return []
        t = ResidentActivity.__table__.c
        sums = defaultdict(lambda: [0, 0])
        for team, year, month, contacted, visited in self.conn.execute(
                select(t.team, t.year, t.month, t.contacted, t.visited).where(
                    t.team.in_(sorted({k[0] for k in through})), t.year.in_(sorted({k[1] for k in through})))):
            if (team, year) in through and month <= through[(team, year)][0]:
                sums[(team, year)][0] += contacted or 0
                sums[(team, year)][1] += visited or 0
        found = []
        for (team, year), (month, row) in sorted(through.items(), key=lambda kv: kv[1][1]):
            contacted, visited = sums[(team, year)]
            if visited > contacted:
                period = f"{year}年1月" if month == 1 else f"{year}年1-{month}月"
                found.append(f"驻点招商 第{row}行:" + NOTE_MSG["resident_ytd"].format(
                    team=team, period=period, visited=visited, contacted=contacted))
        return found

    def _check_issues(self, s, r, row):
        row["region_id"] = self._region(s, r, row.get("region"), allow_city=True)
        self._choice(s, r, "办理状态", row.get("status"), PROBLEM_STATUSES)
        if row.get("status") == "已办结" and row.get("closed_on") is None:
            self.bad(s, r, "办结日期", None, MSG["closed_needs_date"])
        self.issues.append(row)

    def write(self, w: _Writer, result: ImportResult, projects_only: bool = False) -> set[int]:
        """Write every planned row in bulk (the projects alone with ``projects_only``: the other
        rows follow in a later call); returns the ids of regions whose figures may have changed."""
        if self.written is None:
            self.written = self._write_projects(w, result)
        if projects_only:
            return set()
        ids, region_of, touched, new_ids = (self.written[k] for k in ("ids", "region_of", "touched", "new_ids"))
        ids |= {code: p["id"] for code, p in self.known_codes.items()}
        region_of |= {code: p["region_id"] for code, p in self.known_codes.items()}
        region_of |= {row["code"]: row["region_id"] for _, row in self.projects}

        # (project_id, year, month) -> (amount,); the ledger column is the reporting month
        funds = {(ids[row["code"]], row["year"], row["month"]): (row["amount"],) for _, row in self.funds}
        touched |= {region_of[code] for code in {row["code"] for _, row in self.funds}}
        for _, row in self.projects:
            if row.get("month_funds") is not None:
                funds[(ids[row["code"]], self.year, self.month)] = (row["month_funds"],)
        # a project inserted just now has no funds rows yet: no need to look for them
        result.counts["funds_rows"] += w.upsert("funds", funds, ("amount",), result._funds_written, new=new_ids)
        result._code_of = {pid: code for code, pid in ids.items()}
        result.counts["targets"] += w.upsert_many("annual_target", self.targets)
        result.counts["resident_rows"] += w.upsert_many("resident_activity", [
            {f: row[f] for f in ("team", "year", "month", "region_id", "contacted", "visited", "intended_count",
                                 "intended_amount")} for _, row in self.resident])
        result.counts["problem_rows"] += w.upsert_many("enterprise_problem", [
            {"enterprise": row["enterprise"], "description": row["description"], "raised_on": row["raised_on"],
             "project_id": ids.get(row.get("code")), "region_id": row["region_id"], "unit": row.get("unit"),
             "status": row["status"], "closed_on": row.get("closed_on")} for row in self.issues])
        result.counts["activity_rows"] += w.upsert_many("activity", self.activities)
        w.flush()
        touched.discard(None)
        return touched

    def _write_projects(self, w: _Writer, result: ImportResult) -> dict:
        """Insert and update the ledger's projects and their stage history; the ids, regions and
        touched regions so far, for the rest. The preview compares with the projects as they were
        before this upload (``_Writer.was``)."""
        touched: set[int] = set()
        period_end = dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        existing = _lookup_projects(self.conn, {row["code"] for _, row in self.projects})
        ids = {code: p["id"] for code, p in existing.items()}
        region_of = {code: p["region_id"] for code, p in existing.items()}
        new_rows, changed, unchanged, stage_rows, shown_new = [], [], [], [], []
        for _, row in self.projects:
            code = row["code"]
            values = {f: row.get(f) for f in PROJECT_FIELDS} | {"is_manufacturing": bool(row["is_manufacturing"])}
            before = existing.get(code)
            touched.add(values["region_id"])
            if before is None:
                new_rows.append({"code": code, **values})
            else:
                touched.add(before["region_id"])
                if any(_differs(before[f], v) for f, v in values.items()):
                    changed.append((code, before, values))
                    if _differs(before["stage"], values["stage"]):
                        stage_rows.append((code, values))
                else:
                    unchanged.append((code,))
            was = w.was("project", (code,), before)
            if was is None:
                shown_new.append({"code": code, **values})
                continue
            diff = {f: v for f, v in values.items() if _differs(was[f], v)}
            result.changes += [{"项目编号": code, "项目名称": values["name"], "字段": FIELD_LABELS[f],
                                "原值": shown(was[f]), "新值": shown(v)} for f, v in diff.items()]
            result.counts["updated_projects"] += bool(diff)
            if "stage" in diff:
                result.stage_changes.append({"项目编号": code, "项目名称": values["name"],
                                             "原阶段": was["stage"], "新阶段": values["stage"]})
        ids |= w.insert_projects(new_rows)
        result._new_rows = shown_new
        w.update_projects(changed)
        w.log.claimed("project", unchanged)
        stage_rows += [(r["code"], r) for r in new_rows]
        w.insert_stage_changes([(ids[code], v["stage"], v.get(STAGE_DATE.get(v["stage"], "")) or period_end)
                                for code, v in stage_rows])
        result.counts["new_projects"] += len(shown_new)
        result.counts["stage_changes"] += len(result.stage_changes)
        return {"ids": ids, "region_of": region_of, "touched": touched, "new_ids": {ids[r["code"]] for r in new_rows}}


PROJECT_FIELDS = ("name", "investor", "region_id", "chain_id", "is_manufacturing", "is_top500", "is_little_giant",
                  "tags", "origin", "channel", "stage", "sign_date", "contract_amount", "start_date",
                  "production_date", "planned_production_date", "leader", "note", "signed_event")
FIELD_LABELS = {"name": "项目名称", "investor": "投资方", "region_id": "县区", "chain_id": "产业链",
                "is_manufacturing": "是否制造业", "is_top500": "500强", "is_little_giant": "专精特新小巨人",
                "tags": "企业标签", "origin": "投资来源", "channel": "招商方式", "stage": "项目阶段",
                "sign_date": "签约日期", "contract_amount": "合同投资额(亿元)", "start_date": "开工日期",
                "production_date": "投产日期", "planned_production_date": "计划投产日期", "leader": "包抓领导",
                "note": "备注", "signed_event": "签约活动"}


def _differs(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is None or new is None or Decimal(str(old)) != Decimal(str(new))
    return old != new


# IN lists bound at execution (expanding): compiled once, not per chunk and value
_PROJECTS_BY_CODE = select(Project.__table__).where(Project.code.in_(bindparam("codes", expanding=True)))


def _lookup_projects(conn: Connection, codes: set) -> dict[str, dict]:
    found = {}
    codes = sorted(c for c in codes if c)
    for start in range(0, len(codes), 5000):
        chunk = {"codes": codes[start:start + 5000]}
        found |= {r["code"]: dict(r) for r in conn.execute(_PROJECTS_BY_CODE, chunk).mappings()}
    return found


class _Writer:
    """Writes rows for one batch in bulk and logs them (batches.Log) for rollback: each updated row
    with its values before, the rows inserted, and the rows carried unchanged."""

    def __init__(self, conn: Connection, batch_id: int):
        self.conn, self.batch_id = conn, batch_id
        self.log = batches.Log(conn, batch_id)
        self.reuse_ids: dict[str, int] = {}  # projects superseding deleted, by code: back with their id
        # rows as they were before this upload where superseding changed them (table -> JSON key ->
        # row): what the preview compares with
        self.previous: dict[str, dict[tuple, dict]] = defaultdict(dict)

    def previous_rows(self, rows: dict[str, dict[tuple, dict]]) -> None:
        for table, by_key in rows.items():
            for key, row in by_key.items():
                self.previous[table].setdefault(key, row)

    def was(self, table: str, key: tuple, before: dict | None) -> dict | None:
        """Row ``key`` as it was before this upload, given it as it is now (``before``)."""
        previous = self.previous.get(table)
        if not previous:
            return before
        return previous.get(tuple(batches.jsonable(v) for v in key), before)

    def flush(self) -> None:
        self.log.flush()

    def insert_projects(self, rows: list[dict]) -> dict[str, int]:
        """Insert new projects; their ids by code (taken before the insert, see _new_ids; a project
        that superseding an earlier upload deleted keeps its id)."""
        if not rows:
            return {}
        cols = ("id", "code", *PROJECT_FIELDS)
        fresh = iter(_new_ids(self.conn, sum(r["code"] not in self.reuse_ids for r in rows)))
        ids = {r["code"]: self.reuse_ids[r["code"]] if r["code"] in self.reuse_ids else next(fresh) for r in rows}
        db.bulk_insert(self.conn, Project.__table__, cols, [(ids[r["code"]], *(r[c] for c in cols[1:])) for r in rows])
        self.log.inserted("project", [(r["code"],) for r in rows])
        return ids

    def update_projects(self, changed: list[tuple[str, dict, dict]]) -> None:
        if not changed:
            return
        t = Project.__table__
        stmt = update(t).where(t.c.code == bindparam("_code")).values({f: bindparam(f) for f in PROJECT_FIELDS})
        self.conn.execute(stmt, [{"_code": code, **values} for code, _, values in changed])
        for code, before, _ in changed:
            self.log.changed("project", (code,), before)

    def insert_stage_changes(self, rows: list[tuple]) -> None:
        """Stage history rows (project_id, stage, changed_on) carry the batch id; rolling the batch
        back deletes them by it."""
        db.bulk_insert(self.conn, StageChange.__table__, ("project_id", "stage", "changed_on", "batch_id"),
                       [(*r, self.batch_id) for r in rows])

    def upsert_many(self, table: str, rows: list[dict], changes: list | None = None) -> int:
        """``upsert`` of rows given as dicts (every row with the same columns)."""
        if not rows:
            return 0
        key_cols = batches.KEYS[table]
        value_cols = tuple(c for c in rows[0] if c not in key_cols)
        return self.upsert(table, {tuple(r[k] for k in key_cols): tuple(r[c] for c in value_cols) for r in rows},
                           value_cols, changes)

    def upsert(self, table: str, wanted: dict[tuple, tuple], value_cols: tuple[str, ...],
               changes: list | None = None, new: set = frozenset()) -> int:
        """Insert or update rows, given as natural key -> values of ``value_cols``; returns how many
        differ from the rows as they were before this upload. ``changes`` (optional) collects those
        as (key, row before the upload or None, new values). No row exists yet whose key starts
        with a value in ``new``."""
        t, key_cols = batches.TABLES[table], batches.KEYS[table]
        if not wanted:
            return 0
        existing = {}
        firsts = sorted({k[0] for k in wanted} - new, key=str)
        stmt = select(t).where(t.c[key_cols[0]].in_(bindparam("firsts", expanding=True)))
        for start in range(0, len(firsts), 1000):
            for before in self.conn.execute(stmt, {"firsts": firsts[start:start + 1000]}).mappings():
                key = tuple(before[k] for k in key_cols)
                if key in wanted:
                    existing[key] = dict(before)
        updates, unchanged = [], []
        if not existing and not self.previous.get(table):  # every row is new (a first upload): no comparing
            inserts, counted = list(wanted), len(wanted)
            if changes is not None:
                changes += [(key, None, values) for key, values in wanted.items()]
        else:
            inserts, counted = [], 0
            for key, values in wanted.items():
                before = existing.get(key)
                if before is None:
                    inserts.append(key)
                elif any(_differs(before[c], v) for c, v in zip(value_cols, values)):
                    updates.append(dict(zip([f"_{k}" for k in key_cols], key)) | dict(zip(value_cols, values)))
                    self.log.changed(table, key, before)
                else:
                    unchanged.append(key)
                was = self.was(table, key, before)
                if was is None or any(_differs(was[c], v) for c, v in zip(value_cols, values)):
                    counted += 1
                    if changes is not None:
                        changes.append((key, was, values))
        db.bulk_insert(self.conn, t, key_cols + value_cols, [key + wanted[key] for key in inserts])
        self.log.inserted(table, inserts)
        self.log.claimed(table, unchanged)
        if updates:
            stmt = update(t).where(*(t.c[k] == bindparam(f"_{k}") for k in key_cols)).values(
                {c: bindparam(c) for c in value_cols})
            self.conn.execute(stmt, updates)
        return counted


def _new_ids(conn: Connection, n: int) -> list[int]:
    """``n`` ids for new projects, never given before (a project deleted by superseding an upload
    comes back with its id when that is rolled back): from the id sequence on PostgreSQL; on SQLite
    after the largest id there is or ever was (``meta.project_id_high``; an import holds SQLite's
    write lock throughout)."""
    if conn.dialect.name == "postgresql":
        return list(conn.execute(text("SELECT nextval(pg_get_serial_sequence('project', 'id')) "
                                      "FROM generate_series(1, :n)"), {"n": n}).scalars())
    high = int(db.get_meta(conn, "project_id_high") or 0)
    first = max(conn.execute(select(func.coalesce(func.max(Project.id), 0))).scalar(), high) + 1
    db.set_meta(conn, "project_id_high", str(first + n - 1))
    return list(range(first, first + n))
