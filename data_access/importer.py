"""Imports an upload workbook in one transaction, records what it changed, and rolls batches back.

Flow: read (data_access.excel) → resolve names and check every rule, collecting all problems →
if any, raise ImportRejected and write nothing → else write projects, funds, targets, activity and
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
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Numeric,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from data_access import audit, db
from data_access.excel import (
    LEDGER,
    SHEETS,
    Problem,
    SheetRead,
    SheetRows,
    found_sheets,
    norm,
    period_in_text,
    read_workbook,
)
from data_access.facts import rebuild_facts
from data_access.models import (
    CHANNELS,
    CITY_REGION,
    ORIGINS,
    PROBLEM_STATUSES,
    STAGES,
    AnnualTarget,
    BatchChange,
    Chain,
    ChainAlias,
    EnterpriseProblem,
    Funds,
    ImportBatch,
    ImportFile,
    Project,
    Region,
    RegionAlias,
    ResidentActivity,
    StageChange,
    Tag,
)
from data_access.upload_guard import UploadRejected
from labels import BATCH_STATUS, MSG, TARGET_INDICATORS, UPLOAD_RIGHTS_MSG

TABLES = {t.name: t for t in (Project.__table__, Funds.__table__, AnnualTarget.__table__,
                              ResidentActivity.__table__, EnterpriseProblem.__table__, StageChange.__table__)}
KEYS = {"project": ("code",), "funds": ("project_id", "year", "month"),
        "annual_target": ("year", "region_id", "indicator"), "resident_activity": ("team", "year", "month"),
        "enterprise_problem": ("enterprise", "description", "raised_on"), "stage_change": ("id",)}
STAGE_DATE = {"签约": "sign_date", "开工": "start_date", "投产": "production_date"}
# batch_change.row_key of the one entry per batch and table that lists (in ``before``, as a JSON
# array of key value arrays in KEYS order) every row the batch inserted into that table
INSERTED = "*"


class ImportRejected(Exception):
    """The upload was refused; nothing was written. ``problems`` says why, all at once."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ImportResult:
    batch_id: int | None
    year: int
    month: int
    region: str | None
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
    superseded: int | None = None
    touched_regions: set[int] = field(default_factory=set)
    inspected: object = None

    @functools.cached_property
    def new_projects(self) -> list[dict]:
        """The projects added, for the preview."""
        return [{"项目编号": r["code"], "项目名称": r["name"], "项目阶段": r["stage"],
                 "签约日期": _shown(r["sign_date"]), "合同投资额(亿元)": _shown(r["contract_amount"])}
                for r in self._new_rows]

    @functools.cached_property
    def funds_changes(self) -> list[dict]:
        """The 到位资金 rows added or replaced, for the preview."""
        return [{"项目编号": self._code_of[p], "年份": y, "月份": m,
                 "原值(亿元)": _shown(old and old["amount"]), "新值(亿元)": _shown(new[0])}
                for (p, y, m), old, new in self._funds_written]

    def summary(self) -> str:
        if self.unchanged:
            return f"该文件已于批次 #{self.batch_id} 导入,内容相同,未做任何修改"
        c = self.counts
        head = "预检通过(未写入)" if self.dry_run else f"导入成功,批次 #{self.batch_id}"
        parts = [f"新增项目{c['new_projects']}个", f"更新项目{c['updated_projects']}个",
                 f"阶段变化{c['stage_changes']}个", f"到位资金{c['funds_rows']}条", f"年度目标{c['targets']}条",
                 f"驻点招商{c['resident_rows']}条", f"企业诉求{c['problem_rows']}条"]
        tail = f";替代了批次 #{self.superseded}" if self.superseded else ""
        extra = f";已忽略未识别的列:{'、'.join(self.extra_columns)}" if self.extra_columns else ""
        return f"{head}({self.year}年{self.month}月):" + ",".join(parts) + tail + extra


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
                    dry_run: bool = False, inspect: Callable[[Connection], object] | None = None,
                    allowed_regions: Collection[str] | None = None, targets_allowed: bool = True) -> ImportResult:
    """Import ``content`` (the bytes of an .xlsx) for the period and region (None = 全市), as ``user``.

    Raises ImportRejected with every problem found, having written nothing; on success returns what
    changed. With ``dry_run`` everything is done and then rolled back. ``inspect(conn)``, when given,
    runs after the writes inside the transaction (a preview reads the figures as they would become)
    and its value is returned as ``result.inspected``.

    ``allowed_regions`` (a staff account's regions; None = any) restricts the upload: the chosen
    region must be one of them (not 全市) and every row naming another region is a problem.
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
    arriving: Iterable[SheetRead] = _sheets(content)
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
        region_id = names.regions.get(norm(region)) if region else None
        region_problems = [Problem("工作簿", None, "县区", region, MSG["unknown_region"].format(value=region)
                                   + names.suggest(region, names.regions))] if region and region_id is None else []
        allowed = None
        if allowed_regions is not None:
            allowed = {names.regions[norm(r)] for r in allowed_regions if norm(r) in names.regions}
            mine = "、".join(allowed_regions)
            if region is None or region_id == names.city_id:
                region_problems.append(Problem("工作簿", None, "县区", CITY_REGION,
                                               UPLOAD_RIGHTS_MSG["region_required"].format(regions=mine)))
            elif region_id is not None and region_id not in allowed:
                region_problems.append(Problem("工作簿", None, "县区", region, UPLOAD_RIGHTS_MSG[
                    "region_not_allowed"].format(regions=mine, value=region)))
        plan = _Plan(conn, names, year, month, region_id, region,
                     allowed=(allowed, "、".join(allowed_regions or ())), targets_allowed=targets_allowed)
        result = ImportResult(None, year, month, region, dry_run=dry_run)
        batch = _Batch(conn, content, sha, file_name, user, region_id, year, month, result)
        read: list[SheetRead] = []
        early: Future | None = None
        for item in arriving:  # each sheet checked as soon as it is read
            read.append(item)
            if item.rows is None:
                continue
            plan.check(item.sheet.name, item.rows)
            if item.sheet is LEDGER and not region_problems and not plan.problems \
                    and not any(r.problems for r in read):
                # the projects are written while the other sheets are read and checked, which
                # needs no database: the connection is the background thread's until it is done
                early = background.submit(_write_early, batch, plan, result)
        if early is not None:
            early.result()
        plan.check_codes()
        sheets, problems = found_sheets(read)
        problems += region_problems + plan.problems
        if sheets and not any(s.rows for s in sheets.values()) and not problems:
            problems.append(Problem("工作簿", None, None, None, MSG["no_rows"]))
        if problems:
            raise _rejection(problems)
        result.extra_columns = [c for s in sheets.values() for c in s.extra_columns]
        if not batch.open():  # the same file is already imported
            transaction.rollback()
            return result
        if result.superseded is not None:  # rows may name a project only the superseded batches had
            plan.check_codes()
            if plan.problems:
                raise _rejection(plan.problems)
        touched = plan.write(batch.writer, result)
        rebuild_facts(conn, touched)
        result.touched_regions = touched
        conn.execute(update(ImportBatch).where(ImportBatch.id == result.batch_id).values(
            row_count=sum(len(s.rows) for s in sheets.values()),
            summary=json.dumps(dict(result.counts), ensure_ascii=False)))
        if engine.dialect.name != "sqlite":
            db.bump_data_version(conn)
        if not dry_run:
            audit.record(conn, user, "upload", f"#{result.batch_id}", after={
                "文件": file_name, "县区": region or CITY_REGION, "期间": f"{year}年{month}月",
                "行数": sum(len(s.rows) for s in sheets.values()), **({"替代批次": f"#{result.superseded}"}
                                                                   if result.superseded else {}),
                "变化": dict(result.counts)})
        if inspect is not None:
            result.inspected = inspect(conn)
        if dry_run:
            transaction.rollback()
        elif os.environ.get("ZSDASH_TEST_HOLD_BEFORE_COMMIT"):
            # crash-safety tests only: announce that every row is written, then wait to be killed
            print("HOLD", flush=True)
            sys.stdin.readline()
    return result


def _write_early(batch: _Batch, plan: _Plan, result: ImportResult) -> None:
    """The ledger's projects, written before the rest of the file is read, when the batch can be
    opened early."""
    if batch.open(early=True):
        plan.write(batch.writer, result, projects_only=True)


def _rejection(problems: list[Problem]) -> ImportRejected:
    """The problems in sheet order (the template's), then by row."""
    order = {s.name: i for i, s in enumerate(SHEETS)}
    return ImportRejected(sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row or 0)))


def _sheets(content: bytes) -> Iterator[SheetRead]:
    try:
        yield from read_workbook(content)
    except UploadRejected as exc:
        raise ImportRejected([Problem("文件", None, None, None, str(exc))]) from exc


class _Batch:
    """The batch an import writes, opened (``open``) once every row is known to be valid, or before
    (``open(early=True)``) so that rows can be written while the rest of the file is read. Opening
    takes the region and period's lock (PostgreSQL), finds an identical earlier import (then
    nothing is written), supersedes the earlier batches of the region and period, and records the
    batch and the file."""

    def __init__(self, conn: Connection, content: bytes, sha: str, file_name: str, user: str, region_id,
                 year: int, month: int, result: ImportResult):
        self.conn, self.content, self.sha, self.file_name, self.user = conn, content, sha, file_name, user
        self.region_id, self.year, self.month, self.result = region_id, year, month, result
        self.writer: _Writer | None = None

    def open(self, early: bool = False) -> bool:
        """Whether rows are to be written now: not when this very file is imported already, nor
        ``early`` when an earlier batch is to be superseded (the rows are checked against the data
        as it is before that, as they would be without writing early)."""
        if self.writer is not None or self.result.unchanged:
            return not self.result.unchanged
        conn, result, region_id = self.conn, self.result, self.region_id
        if conn.dialect.name == "postgresql":  # uploads for one region and period run one at a time
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                         {"k": (region_id or 0) * 10**6 + self.year * 100 + self.month})
        same = conn.execute(select(ImportBatch.id).where(
            ImportBatch.file_sha256 == self.sha, ImportBatch.status == "active", ImportBatch.year == self.year,
            ImportBatch.month == self.month, _region_is(region_id))).scalar()
        if same is not None:
            result.batch_id, result.unchanged = same, True
            return False
        earlier = conn.execute(select(ImportBatch.id).where(
            ImportBatch.status == "active", ImportBatch.year == self.year, ImportBatch.month == self.month,
            _region_is(region_id))).scalars().all()
        if earlier and early:
            return False
        for batch in earlier:
            _rollback(conn, batch, "superseded")
            result.superseded = batch
        batch_id = conn.execute(insert(ImportBatch).values(
            uploaded_by=self.user, file_name=self.file_name, file_sha256=self.sha, region_id=region_id,
            year=self.year, month=self.month, created_at=dt.datetime.now(), row_count=0, status="active",
        )).inserted_primary_key[0]
        conn.execute(insert(ImportFile).values(batch_id=batch_id, content=self.content))
        result.batch_id = batch_id
        self.writer = _Writer(conn, batch_id)
        return True


def _region_is(region_id):
    return ImportBatch.region_id.is_(None) if region_id is None else ImportBatch.region_id == region_id


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

    CHECKS = ("项目台账", "到位资金明细", "年度目标", "驻点招商", "问题台账", "项目编号")

    def __init__(self, conn, names: _Names, year, month, region_id, region_name,
                 allowed: tuple[set[int] | None, str] = (None, ""), targets_allowed: bool = True):
        self.conn, self.names, self.year, self.month = conn, names, year, month
        self.region_id, self.region_name = region_id, region_name
        self.allowed, self.allowed_label = allowed
        self.targets_allowed = targets_allowed
        self.found: dict[str, list[Problem]] = {name: [] for name in self.CHECKS}
        self.checking = self.CHECKS[0]
        self.projects: list[tuple[int, dict]] = []
        self.funds: list[tuple[int, dict]] = []
        self.targets: list[dict] = []
        self.resident: list[dict] = []
        self.issues: list[dict] = []
        self.known_codes: dict[str, dict] = {}
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
        elif rid == self.names.city_id and not allow_city:
            self.bad(sheet, row, "县区", value, MSG["city_only"])
            return None
        elif self.allowed is not None and rid not in self.allowed:
            self.bad(sheet, row, "县区", value, UPLOAD_RIGHTS_MSG["region_not_allowed"].format(
                regions=self.allowed_label, value=value))
        elif self.region_id is not None and rid != self.region_id:
            self.bad(sheet, row, "县区", value, MSG["wrong_region"].format(region=self.region_name, value=value))
        return rid

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
                  "问题台账": self._check_issues}[name]
        for excel_row, row in sheet.rows:
            method(name, excel_row, row)
        if name == "项目台账":
            self._unique_codes()

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
        tags = [t for t in re.split(r"[、,，;；/\s]+", row.get("tags") or "") if t]
        known = [self.names.tags.get(norm(t)) for t in tags]
        for t, k in zip(tags, known):
            if k is None:
                self.bad(s, r, "企业标签", t, MSG["unknown_tag"].format(
                    value=t, choices="、".join(n for n, _ in self.names.tags.values())))
        row["tags"] = "、".join(k[0] for k in known if k) or None
        row["is_top500"] = any(k and k[1] == "top500" for k in known)
        row["is_little_giant"] = any(k and k[1] == "little_giant" for k in known)
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
        if not row.get("code") and row.get("name") and row.get("region"):
            region = self.names.region_names.get(row["region_id"], row["region"])
            row["code"] = f"{region}-{norm(row['name'])}"
        self.projects.append((r, row))

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
        for _, row in self.funds:
            if row.get("code") is None and row.get("name") and row.get("region"):
                region = self.names.region_names.get(self.names.regions.get(norm(row["region"])), row["region"])
                row["code"] = f"{region}-{norm(row['name'])}"
        wanted = {row["code"] for _, row in self.funds if row.get("code")} | \
                 {row["code"] for row in self.issues if row.get("code")}
        wanted -= codes_in_file
        self.known_codes = _lookup_projects(self.conn, wanted)
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
        row["region_id"] = self._region(s, r, row.get("region"), allow_city=True)
        if row.get("month") is not None and not 1 <= row["month"] <= 12:
            self.bad(s, r, "月份", row["month"], MSG["bad_month"])
        if (row.get("visited") or 0) > (row.get("contacted") or 0):
            self.bad(s, r, "考察回访企业数", row["visited"], MSG["not_visited"])
        self.resident.append(row)

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
                                 "intended_amount")} for row in self.resident])
        result.counts["problem_rows"] += w.upsert_many("enterprise_problem", [
            {"enterprise": row["enterprise"], "description": row["description"], "raised_on": row["raised_on"],
             "project_id": ids.get(row.get("code")), "region_id": row["region_id"], "unit": row.get("unit"),
             "status": row["status"], "closed_on": row.get("closed_on")} for row in self.issues])
        w.flush()
        touched.discard(None)
        return touched

    def _write_projects(self, w: _Writer, result: ImportResult) -> dict:
        """Insert and update the ledger's projects and their stage history; the ids, regions and
        touched regions so far, for the rest."""
        touched: set[int] = set()
        period_end = dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        existing = _lookup_projects(self.conn, {row["code"] for _, row in self.projects})
        ids = {code: p["id"] for code, p in existing.items()}
        region_of = {code: p["region_id"] for code, p in existing.items()}
        new_rows, changed, stage_rows = [], [], []
        for _, row in self.projects:
            values = {f: row.get(f) for f in PROJECT_FIELDS} | {"is_manufacturing": bool(row["is_manufacturing"])}
            before = existing.get(row["code"])
            touched.add(values["region_id"])
            if before is None:
                new_rows.append({"code": row["code"], **values})
                continue
            touched.add(before["region_id"])
            diff = {f: v for f, v in values.items() if _differs(before[f], v)}
            if diff:
                changed.append((row["code"], before, values))
                result.changes += [{"项目编号": row["code"], "项目名称": values["name"], "字段": FIELD_LABELS[f],
                                    "原值": _shown(before[f]), "新值": _shown(v)} for f, v in diff.items()]
                if "stage" in diff:
                    stage_rows.append((row["code"], values))
                    result.stage_changes.append({"项目编号": row["code"], "项目名称": values["name"],
                                                 "原阶段": before["stage"], "新阶段": values["stage"]})
        ids |= w.insert_projects(new_rows)
        result._new_rows = new_rows
        w.update_projects(changed)
        stage_rows += [(r["code"], r) for r in new_rows]
        w.insert_stage_changes([(ids[code], v["stage"], v.get(STAGE_DATE.get(v["stage"], "")) or period_end)
                                for code, v in stage_rows])
        result.counts["new_projects"] += len(new_rows)
        result.counts["updated_projects"] += len(changed)
        result.counts["stage_changes"] += len(stage_rows) - len(new_rows)
        return {"ids": ids, "region_of": region_of, "touched": touched, "new_ids": {ids[r["code"]] for r in new_rows}}


PROJECT_FIELDS = ("name", "investor", "region_id", "chain_id", "is_manufacturing", "is_top500", "is_little_giant",
                  "tags", "origin", "channel", "stage", "sign_date", "contract_amount", "start_date",
                  "production_date", "planned_production_date", "leader", "note")
FIELD_LABELS = {"name": "项目名称", "investor": "投资方", "region_id": "县区", "chain_id": "产业链",
                "is_manufacturing": "是否制造业", "is_top500": "500强", "is_little_giant": "专精特新小巨人",
                "tags": "企业标签", "origin": "投资来源", "channel": "招商方式", "stage": "项目阶段",
                "sign_date": "签约日期", "contract_amount": "合同投资额(亿元)", "start_date": "开工日期",
                "production_date": "投产日期", "planned_production_date": "计划投产日期", "leader": "包抓领导",
                "note": "备注"}


def _shown(value):
    """A value as the preview shows it: 是/否, amounts with 2 decimals, dates as 2023-03-05."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return "" if value is None else str(value)


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


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value))


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_json_default)


def _encode(row: dict | None) -> str | None:
    return None if row is None else _ENCODER.encode(row)


def _decode(table, payload: str) -> dict:
    return _typed(table, json.loads(payload))


def _typed(table, values: dict) -> dict:
    """JSON values of ``table``'s columns back to Python: ISO dates to dates, amounts to Decimal."""
    out = {}
    for k, v in values.items():
        python_type = table.c[k].type.python_type
        if v is not None and python_type is dt.date:
            v = dt.date.fromisoformat(v)
        elif v is not None and python_type is Decimal:
            v = Decimal(v)
        out[k] = v
    return out


class _Writer:
    """Writes rows for one batch in bulk and logs them in ``batch_change`` for rollback: each updated
    row with its values before, and per table one entry listing the keys of the rows it inserted."""

    def __init__(self, conn: Connection, batch_id: int):
        self.conn, self.batch_id = conn, batch_id
        self.log: list[tuple] = []

    def _log(self, table: str, key: tuple, before: dict):
        self.log.append((self.batch_id, table, _encode(dict(zip(KEYS[table], key))), _encode(before)))

    def _log_inserted(self, table: str, keys: list[tuple]):
        if keys:
            self.log.append((self.batch_id, table, INSERTED, _ENCODER.encode(keys)))

    def flush(self) -> None:
        _bulk_insert(self.conn, BatchChange.__table__, ("batch_id", "table_name", "row_key", "before"), self.log)
        self.log.clear()

    def insert_projects(self, rows: list[dict]) -> dict[str, int]:
        """Insert new projects; their ids by code (taken before the insert, see _new_ids)."""
        if not rows:
            return {}
        cols = ("id", "code", *PROJECT_FIELDS)
        ids = dict(zip((r["code"] for r in rows), _new_ids(self.conn, len(rows))))
        _bulk_insert(self.conn, Project.__table__, cols, [(ids[r["code"]], *(r[c] for c in cols[1:])) for r in rows])
        self._log_inserted("project", [(r["code"],) for r in rows])
        return ids

    def update_projects(self, changed: list[tuple[str, dict, dict]]) -> None:
        if not changed:
            return
        t = Project.__table__
        stmt = update(t).where(t.c.code == bindparam("_code")).values({f: bindparam(f) for f in PROJECT_FIELDS})
        self.conn.execute(stmt, [{"_code": code, **values} for code, _, values in changed])
        for code, before, _ in changed:
            self._log("project", (code,), before)

    def insert_stage_changes(self, rows: list[tuple]) -> None:
        """Stage history rows (project_id, stage, changed_on) carry the batch id; rolling the batch
        back deletes them by it."""
        _bulk_insert(self.conn, StageChange.__table__, ("project_id", "stage", "changed_on", "batch_id"),
                     [(*r, self.batch_id) for r in rows])

    def upsert_many(self, table: str, rows: list[dict], changes: list | None = None) -> int:
        """``upsert`` of rows given as dicts (every row with the same columns)."""
        if not rows:
            return 0
        key_cols = KEYS[table]
        value_cols = tuple(c for c in rows[0] if c not in key_cols)
        return self.upsert(table, {tuple(r[k] for k in key_cols): tuple(r[c] for c in value_cols) for r in rows},
                           value_cols, changes)

    def upsert(self, table: str, wanted: dict[tuple, tuple], value_cols: tuple[str, ...],
               changes: list | None = None, new: set = frozenset()) -> int:
        """Insert or update rows, given as natural key -> values of ``value_cols``; returns how many
        changed. ``changes`` (optional) collects (key, old row or None, new values) of the changed
        rows. No row exists yet whose key starts with a value in ``new``."""
        t, key_cols = TABLES[table], KEYS[table]
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
        updates = []
        if not existing:  # every row is new (a first upload of the month): no comparing
            inserts = list(wanted)
            if changes is not None:
                changes += [(key, None, values) for key, values in wanted.items()]
        else:
            inserts = []
            for key, values in wanted.items():
                before = existing.get(key)
                if before is None:
                    inserts.append(key)
                elif any(_differs(before[c], v) for c, v in zip(value_cols, values)):
                    updates.append(dict(zip([f"_{k}" for k in key_cols], key)) | dict(zip(value_cols, values)))
                    self._log(table, key, {k: v for k, v in before.items() if k != "id"})
                else:
                    continue
                if changes is not None:
                    changes.append((key, before, values))
        _bulk_insert(self.conn, t, key_cols + value_cols, [key + wanted[key] for key in inserts])
        self._log_inserted(table, inserts)
        if updates:
            stmt = update(t).where(*(t.c[k] == bindparam(f"_{k}") for k in key_cols)).values(
                {c: bindparam(c) for c in value_cols})
            self.conn.execute(stmt, updates)
        return len(inserts) + len(updates)


def _new_ids(conn: Connection, n: int) -> list[int]:
    """``n`` ids for new projects, as the database would give them: from the id sequence on
    PostgreSQL, after the largest id on SQLite (an import holds SQLite's write lock throughout)."""
    if conn.dialect.name == "postgresql":
        return list(conn.execute(text("SELECT nextval(pg_get_serial_sequence('project', 'id')) "
                                      "FROM generate_series(1, :n)"), {"n": n}).scalars())
    first = conn.execute(select(func.coalesce(func.max(Project.id), 0))).scalar() + 1
    return list(range(first, first + n))


def _bulk_insert(conn: Connection, table, cols: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows (tuples in ``cols`` order) through the driver (COPY on PostgreSQL,
    executemany on SQLite): SQLAlchemy's per-row parameter processing costs more than the insert
    itself at 100,000 rows. SQLite gets Decimal as text, which its NUMERIC affinity stores as a
    number, and dates as ISO text, as SQLAlchemy stores them."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":  # COPY: several times faster than executemany
        with conn.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        return
    columns = list(zip(*rows))
    for i, name in enumerate(cols):
        if isinstance(table.c[name].type, (Numeric, Date)):
            column = columns[i]
            columns[i] = [v if v is None else str(v) for v in column] if None in column else list(map(str, column))
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    conn.exec_driver_sql(sql, list(zip(*columns)))


def rollback_batch(engine: Engine, batch_id: int, user: str = "cli") -> None:
    """Undo batch ``batch_id``: every row it wrote goes back to its state before the batch.

    Refused (ImportRejected) when a later active batch changed the same rows: roll that back first.
    """
    with engine.begin() as conn:
        _rollback(conn, batch_id, "rolled_back")
        db.bump_data_version(conn)
        audit.record(conn, user, "rollback", f"#{batch_id}", before={"状态": BATCH_STATUS["active"]},
                     after={"状态": BATCH_STATUS["rolled_back"]})


def _rollback(conn: Connection, batch_id: int, new_status: str) -> None:
    batch = conn.execute(select(ImportBatch).where(ImportBatch.id == batch_id)).mappings().first()
    if batch is None:
        raise ImportRejected([Problem("批次", None, None, batch_id, MSG["batch_missing"].format(batch=batch_id))])
    if batch["status"] != "active":
        raise ImportRejected([Problem("批次", None, None, batch_id, MSG["batch_not_active"].format(
            batch=batch_id, status=batch["status"]))])
    bc = BatchChange.__table__.c
    changes = conn.execute(select(bc.table_name, bc.row_key, bc.before).where(bc.batch_id == batch_id)
                           .order_by(bc.id.desc())).all()
    clash = _later_clash(conn, batch_id, changes)
    if clash is not None:
        raise ImportRejected([Problem("批次", None, None, batch_id, MSG["rollback_blocked"].format(
            batch=batch_id, later=clash))])
    touched: set[int] = set()
    conn.execute(delete(StageChange).where(StageChange.batch_id == batch_id))
    for table_name, row_key, before in changes:
        t = TABLES[table_name]
        if row_key == INSERTED:
            keys = [_typed(t, dict(zip(KEYS[table_name], k))) for k in json.loads(before)]
            touched |= _regions_of(conn, table_name, keys)
            conn.execute(delete(t).where(*(t.c[k] == bindparam(f"_{k}") for k in KEYS[table_name])),
                         [{f"_{k}": v for k, v in key.items()} for key in keys])
            continue
        key = _decode(t, row_key)
        cond = and_(*(t.c[k] == v for k, v in key.items()))
        if table_name == "project":
            touched.update(conn.execute(select(t.c.region_id).where(cond)).scalars())
        elif table_name == "funds":
            touched.update(conn.execute(select(Project.region_id).where(Project.id == key["project_id"])).scalars())
        if before is None:  # an inserted row logged on its own (batches imported before INSERTED)
            conn.execute(delete(t).where(cond))
        else:
            restored = _decode(t, before)
            conn.execute(update(t).where(cond).values(**restored))
            if table_name == "project":
                touched.add(restored["region_id"])
    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(status=new_status))
    rebuild_facts(conn, touched)


def _regions_of(conn: Connection, table_name: str, keys: list[dict]) -> set[int]:
    """The regions of the projects (table project) or of the projects' funds (table funds) keyed."""
    if table_name == "project":
        column, values = Project.code, sorted({k["code"] for k in keys})
    elif table_name == "funds":
        column, values = Project.id, sorted({k["project_id"] for k in keys})
    else:
        return set()
    found: set[int] = set()
    for start in range(0, len(values), 1000):
        found.update(conn.execute(select(Project.region_id).distinct().where(column.in_(values[start:start + 1000])))
                     .scalars())
    return found


def _later_clash(conn: Connection, batch_id: int, changes) -> int | None:
    """The latest active batch after ``batch_id`` that wrote a row ``batch_id`` wrote, if any.

    ``changes`` are batch_id's (table_name, row_key, before) entries. Rows are matched by table and
    natural key, whether an entry names one row or lists the rows a batch inserted."""
    mine, later = BatchChange.__table__.alias("mine"), BatchChange.__table__.alias("later")
    later_active = (select(later.c.batch_id).join(ImportBatch.__table__, ImportBatch.id == later.c.batch_id)
                    .where(later.c.batch_id > batch_id, ImportBatch.status == "active"))
    found = [conn.execute(
        later_active.where(later.c.row_key != INSERTED,
                           select(mine.c.id).where(mine.c.batch_id == batch_id, mine.c.row_key != INSERTED,
                                                   mine.c.table_name == later.c.table_name,
                                                   mine.c.row_key == later.c.row_key).exists())
        .order_by(later.c.batch_id.desc()).limit(1)).scalar()]
    keys: dict[str, set[tuple]] = defaultdict(set)  # every row batch_id wrote, as JSON values
    for table_name, row_key, before in changes:
        if row_key == INSERTED:
            inserted = [tuple(k) for k in json.loads(before)]
            keys[table_name].update(inserted)
            names = KEYS[table_name]
            encoded = [_encode(dict(zip(names, k))) for k in inserted]
            for start in range(0, len(encoded), 500):  # rows inserted here, changed one by one later
                found.append(conn.execute(later_active.with_only_columns(func.max(later.c.batch_id)).where(
                    later.c.table_name == table_name, later.c.row_key.in_(encoded[start:start + 500]))).scalar())
        else:
            values = json.loads(row_key)
            keys[table_name].add(tuple(values[k] for k in KEYS[table_name]))
    if keys:  # rows written here, inserted again by a later batch
        for later_id, table_name, listed in conn.execute(
                later_active.add_columns(later.c.table_name, later.c.before)
                .where(later.c.row_key == INSERTED, later.c.table_name.in_(sorted(keys)))):
            if not keys[table_name].isdisjoint(tuple(k) for k in json.loads(listed)):
                found.append(later_id)
    found = [b for b in found if b is not None]
    return max(found) if found else None


def list_batches(conn: Connection, region_id: int | None = None) -> list[dict]:
    stmt = (select(ImportBatch.id, ImportBatch.uploaded_by, ImportBatch.created_at, ImportBatch.file_name,
                   Region.name.label("region"), ImportBatch.year, ImportBatch.month, ImportBatch.row_count,
                   ImportBatch.status, ImportBatch.summary)
            .outerjoin(Region, Region.id == ImportBatch.region_id).order_by(ImportBatch.id.desc()))
    if region_id is not None:
        stmt = stmt.where(ImportBatch.region_id == region_id)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def archived_file(conn: Connection, batch_id: int) -> bytes | None:
    return conn.scalar(select(ImportFile.content).where(ImportFile.batch_id == batch_id))
