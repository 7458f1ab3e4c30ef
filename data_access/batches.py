"""The life of an import batch: its region, the kinds of content it carries, superseding earlier
uploads, and rollback as undo. The importer (data_access.importer) reads and checks a workbook and
writes its rows through a ``Log``; everything about which upload is current lives here.

The rules (SPEC §3 "import batch", §5 "Semantics"):

- A batch's region is the uploader's choice, else the one region its rows name; a file whose rows
  name several regions (or none) is a 全市 batch (``batch_region``).
- A batch carries kinds of content (``KINDS``: the sheets it has rows in). A new batch supersedes,
  for each kind it carries, the active batches of the same region and period that carried that kind,
  and nothing else.
- Superseding an earlier batch undoes that batch's own rows of the kinds superseded, and logs what
  the undo changed in the new batch (``op = supersede``). Rows a later active upload (another
  region's, say) also wrote are left as that upload has them. Rolling the new batch back then undoes
  its own rows and the supersession alike: the earlier upload is current again, with its figures.
- Rolling a batch back undoes every row it wrote, as if it had never been uploaded. It is refused
  only when that cannot be done exactly: a later active upload wrote or carried the same rows, or
  names projects the batch added, or one of the batch's kinds is superseded by an active upload.

The log (``batch_change``): an entry per row changed (``row_key`` the row's natural key as JSON,
``before`` the whole row as it was, null when it did not exist), and per table one entry listing the
keys of the rows inserted (``row_key`` ``*``) and one listing the rows carried unchanged (``=``):
unchanged rows are logged so that no rollback undoes a row a later upload still carries.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, text, update

from data_access import audit, db
from data_access.excel import Problem
from data_access.facts import rebuild_facts
from data_access.models import (
    Activity,
    AnnualTarget,
    BatchChange,
    BatchRegion,
    EnterpriseProblem,
    Funds,
    ImportBatch,
    ImportBatchKind,
    ImportFile,
    Project,
    Region,
    ResidentActivity,
    StageChange,
)
from labels import BATCH_MSG, BATCH_STATUS, KIND_LABELS

KINDS = ("ledger", "targets", "resident", "problems", "activities")
SHEET_KIND = {"项目台账": "ledger", "到位资金明细": "ledger", "年度目标": "targets", "驻点招商": "resident",
              "问题台账": "problems", "招商活动": "activities"}
TABLES = {t.name: t for t in (Project.__table__, Funds.__table__, AnnualTarget.__table__,
                              ResidentActivity.__table__, EnterpriseProblem.__table__, StageChange.__table__,
                              Activity.__table__)}
TABLE_KIND = {"project": "ledger", "funds": "ledger", "stage_change": "ledger", "annual_target": "targets",
              "resident_activity": "resident", "enterprise_problem": "problems", "activity": "activities"}
KEYS = {"project": ("code",), "funds": ("project_id", "year", "month"),
        "annual_target": ("year", "region_id", "indicator"), "resident_activity": ("team", "year", "month"),
        "enterprise_problem": ("enterprise", "description", "raised_on"), "stage_change": ("id",),
        "activity": ("activity_date", "region_id", "leader", "activity_type", "enterprise", "event_name")}
INSERTED, CLAIMED = "*", "="  # row_key of the entries listing many rows (their keys in ``before``)


class ImportRejected(Exception):
    """An upload or a rollback was refused; nothing was written. ``problems`` says why, all at once;
    for an upload, ``region`` and ``named`` are the batch's region and the counties its rows name,
    when known."""

    region: str | None = None
    named: list[str] = []

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _refused(batch_id, message: str) -> ImportRejected:
    return ImportRejected([Problem("批次", None, None, batch_id, message)])


# ---------------------------------------------------------------------------------------------
# region

def batch_region(chosen: int | None, named: set[int], city_id: int,
                 allowed: set[int] | None) -> tuple[int | None, str | None]:
    """(the batch's region id, None = 全市; a reason in Chinese when it cannot be decided).

    ``chosen``: the uploader's choice (None: none made; ``city_id``: 全市). ``named``: the regions the
    file's rows name (全市 included when a row names it). ``allowed``: a staff account's regions (None
    for admins): staff report for one of their own regions, by default the one their rows name, or
    their only region.
    """
    if chosen is not None:
        return (None if chosen == city_id else chosen), None
    counties = named - {city_id}
    if allowed is not None:
        if len(counties) == 1:
            return next(iter(counties)), None
        if len(allowed) == 1:
            return next(iter(allowed)), None
        return None, BATCH_MSG["staff_several"]
    if len(counties) == 1 and city_id not in named:
        return next(iter(counties)), None
    return None, None


def region_settled(chosen: int | None, named: set[int], city_id: int, allowed: set[int] | None) -> bool:
    """Whether ``batch_region`` is already certain with only the regions ``named`` so far (more rows
    to come can only add to them): a choice, a staff account's only region, or two counties named."""
    return chosen is not None or (allowed is not None and len(allowed) == 1) or \
        (allowed is None and len(named - {city_id}) >= 2)


# ---------------------------------------------------------------------------------------------
# the log

def jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=jsonable)


def encode(value) -> str | None:
    return None if value is None else _ENCODER.encode(value)


def row_key(table: str, row) -> tuple:
    """A row's natural key as JSON values (dates as ISO text), as the log stores it."""
    return tuple(jsonable(row[k]) for k in KEYS[table])


def typed(table: str, values: dict) -> dict:
    """JSON values of ``table``'s columns back to Python: ISO dates to dates, amounts to Decimal."""
    out = {}
    for k, v in values.items():
        python_type = TABLES[table].c[k].type.python_type
        if v is not None and python_type is dt.date:
            v = dt.date.fromisoformat(v)
        elif v is not None and python_type is Decimal:
            v = Decimal(v)
        out[k] = v
    return out


class Log:
    """The entries a batch writes to ``batch_change``, written in bulk by ``flush``."""

    def __init__(self, conn: Connection, batch_id: int, op: str = "write"):
        self.conn, self.batch_id, self.op = conn, batch_id, op
        self.entries: list[tuple] = []

    def changed(self, table: str, key: tuple, before: dict | None) -> None:
        """Row ``key`` of ``table`` changed; ``before`` is the whole row as it was (None: absent)."""
        self.entries.append((self.batch_id, table, encode(dict(zip(KEYS[table], key))), encode(before), self.op))

    def listed(self, table: str, marker: str, keys: list[tuple]) -> None:
        if keys:
            self.entries.append((self.batch_id, table, marker, encode([list(k) for k in keys]), self.op))

    def inserted(self, table: str, keys: list[tuple]) -> None:
        self.listed(table, INSERTED, keys)

    def claimed(self, table: str, keys: list[tuple]) -> None:
        self.listed(table, CLAIMED, keys)

    def flush(self) -> None:
        if self.entries:
            db.bulk_insert(self.conn, BatchChange.__table__, ("batch_id", "table_name", "row_key", "before", "op"),
                        self.entries)
            self.entries.clear()


@dataclass
class Entry:
    id: int
    batch_id: int
    table: str
    marker: str | None  # INSERTED, CLAIMED or None (one row)
    keys: list[tuple]
    before: dict | None  # one row's values before, typed
    op: str


def _entries(conn: Connection, batch_ids: Iterable[int], op: str | None = None,
             tables: Iterable[str] | None = None) -> list[Entry]:
    """The log entries of ``batch_ids``, newest first."""
    bc = BatchChange.__table__.c
    ids = sorted(set(batch_ids))
    if not ids:
        return []
    stmt = select(bc.id, bc.batch_id, bc.table_name, bc.row_key, bc.before, bc.op).where(
        bc.batch_id.in_(ids)).order_by(bc.id.desc())
    if op is not None:
        stmt = stmt.where(bc.op == op)
    if tables is not None:
        stmt = stmt.where(bc.table_name.in_(sorted(tables)))
    out = []
    for id_, batch_id, table, key, before, op_ in conn.execute(stmt):
        if key in (INSERTED, CLAIMED):
            out.append(Entry(id_, batch_id, table, key, [tuple(k) for k in json.loads(before)], None, op_))
        else:
            values = json.loads(key)
            out.append(Entry(id_, batch_id, table, None, [tuple(values[k] for k in KEYS[table])],
                             None if before is None else typed(table, json.loads(before)), op_))
    return out


def signed_by(conn: Connection, batch_id: int) -> set[str]:
    """The codes of the projects batch ``batch_id`` added, or gave a sign date they had not had."""
    codes: set[str] = set()
    for e in _entries(conn, [batch_id], op="write", tables=["project"]):
        if e.marker == INSERTED or (e.marker is None and (e.before is None or e.before.get("sign_date") is None)):
            codes.update(k[0] for k in e.keys)
    return codes


def _rows_of(entries: list[Entry]) -> dict[str, set[tuple]]:
    found: dict[str, set[tuple]] = defaultdict(set)
    for e in entries:
        found[e.table].update(e.keys)
    return found


def _later_active(conn: Connection, batch_id: int, exclude: Iterable[int] = ()) -> list[int]:
    return [b for b in conn.scalars(select(ImportBatch.id).where(ImportBatch.id > batch_id,
                                                                 ImportBatch.status == "active"))
            if b not in set(exclude)]


# ---------------------------------------------------------------------------------------------
# opening a batch: lock, the same file again, supersede

@dataclass
class Superseded:
    """An earlier upload a new one supersedes, and its rows as they were before (for the preview)."""
    batch_id: int
    file_name: str
    uploaded_by: str
    created_at: dt.datetime
    kinds: list[str]
    rows: dict[str, dict[tuple, dict]] = field(default_factory=lambda: defaultdict(dict))
    gone: dict[str, list[dict]] = field(default_factory=dict)  # filled by ``what_goes``

    def describe(self) -> str:
        """批次 #3(东城区.xlsx,张三 2023-05-06 10:20 上传,项目台账)"""
        kinds = "、".join(KIND_LABELS[k] for k in self.kinds)
        return BATCH_MSG["superseded_one"].format(batch=self.batch_id, file=self.file_name, who=self.uploaded_by,
                                                  when=f"{self.created_at:%Y-%m-%d %H:%M}", kinds=kinds)


def lock(conn: Connection, region_id: int | None, year: int, month: int, kinds: Iterable[str]) -> None:
    """Uploads of one region, period and kind run one at a time (PostgreSQL; an SQLite import holds
    the database's write lock throughout). Taken in KINDS order, so two uploads never wait on each
    other in a circle; uploads of different kinds run side by side."""
    if conn.dialect.name != "postgresql":
        return
    for kind in sorted(set(kinds), key=KINDS.index):
        conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                     {"a": region_id or 0, "b": (year * 100 + month) * 10 + KINDS.index(kind)})


def _region_is(region_id):
    return ImportBatch.region_id.is_(None) if region_id is None else ImportBatch.region_id == region_id


def same_file(conn: Connection, sha: str, region_id, year: int, month: int) -> int | None:
    """The active batch of this very file for the region and period, if any."""
    return conn.execute(select(ImportBatch.id).where(
        ImportBatch.file_sha256 == sha, ImportBatch.status == "active", ImportBatch.year == year,
        ImportBatch.month == month, _region_is(region_id))).scalar()


def current(conn: Connection, region_id, year: int, month: int, kinds: Iterable[str]) -> dict[int, list[str]]:
    """The active batches of the region and period carrying any of ``kinds``: batch id -> those kinds."""
    k = ImportBatchKind.__table__.c
    found: dict[int, list[str]] = defaultdict(list)
    for batch_id, kind in conn.execute(
            select(k.batch_id, k.kind).join(ImportBatch, ImportBatch.id == k.batch_id)
            .where(k.status == "active", k.kind.in_(sorted(set(kinds))), ImportBatch.year == year,
                   ImportBatch.month == month, _region_is(region_id)).order_by(k.batch_id)):
        found[batch_id].append(kind)
    return {b: sorted(ks, key=KINDS.index) for b, ks in found.items()}


def create(conn: Connection, *, user: str, file_name: str, sha: str, region_id, year: int, month: int,
           content: bytes) -> int:
    batch_id = conn.execute(insert(ImportBatch).values(
        uploaded_by=user, file_name=file_name, file_sha256=sha, region_id=region_id, year=year, month=month,
        created_at=dt.datetime.now(), row_count=0, status="active")).inserted_primary_key[0]
    conn.execute(insert(ImportFile).values(batch_id=batch_id, content=content))
    return batch_id


def record_regions(conn: Connection, batch_id: int, region_ids: Iterable[int]) -> None:
    """The regions a batch's rows name (上报进度: a 全市 batch reports for each of them)."""
    rows = [{"batch_id": batch_id, "region_id": r} for r in sorted(set(region_ids))]
    if rows:
        conn.execute(insert(BatchRegion), rows)


def record_kinds(conn: Connection, batch_id: int, kinds: Iterable[str]) -> None:
    conn.execute(insert(ImportBatchKind), [{"batch_id": batch_id, "kind": k, "status": "active"}
                                           for k in sorted(set(kinds), key=KINDS.index)])


def supersede(conn: Connection, earlier: int, kinds: list[str], by: int) -> tuple[Superseded, dict[str, int], set]:
    """Batch ``by`` supersedes batch ``earlier`` for ``kinds``: undo ``earlier``'s own rows of those
    kinds (rows a later active upload also wrote stay as that upload has them), logging what the undo
    changed as ``by``'s; mark the kinds superseded. Returns what was superseded (with the rows as they
    were, for ``what_goes``), the ids of the projects deleted by code (a project the new upload has
    again keeps its id), and the regions touched."""
    b = conn.execute(select(ImportBatch).where(ImportBatch.id == earlier)).mappings().one()
    info = Superseded(earlier, b["file_name"], b["uploaded_by"], b["created_at"], kinds)
    tables = [t for t, k in TABLE_KIND.items() if k in kinds]
    later = _later_active(conn, earlier, exclude=(by,))
    keep = _rows_of(_entries(conn, later))
    log = Log(conn, by, op="supersede")
    undone = _undo(conn, earlier, _entries(conn, [earlier], op="write", tables=tables), log, keep, info.rows,
                   stage_rows="ledger" in kinds)
    log.flush()
    k = ImportBatchKind.__table__.c
    conn.execute(update(ImportBatchKind).where(k.batch_id == earlier, k.kind.in_(kinds))
                 .values(status="superseded", superseded_by=by))
    _settle_status(conn, earlier)
    return info, undone.deleted_project_ids, undone.touched


def what_goes(conn: Connection, superseded: Superseded) -> None:
    """Fill ``superseded.gone`` once the new upload's rows are written: the rows the earlier upload had
    that are gone now (projects, funds, targets, teams, problems) and the targets it set that now
    have another value."""
    gone: dict[str, list[dict]] = {}
    for table, rows in superseded.rows.items():
        if table == "stage_change" or not rows:
            continue
        now = _current_rows(conn, table, list(rows))
        if table == "project":
            gone["projects"] = [{"项目编号": r["code"], "项目名称": r["name"],
                                 "合同投资额(亿元)": shown(r["contract_amount"])}
                                for key, r in rows.items() if key not in now]
        elif table == "funds":
            codes = dict(conn.execute(select(Project.id, Project.code).where(
                Project.id.in_(sorted({k[0] for k in rows})))).all())
            codes |= {r["id"]: r["code"] for r in superseded.rows.get("project", {}).values()}
            gone["funds"] = [{"项目编号": codes.get(k[0], k[0]), "年份": k[1], "月份": k[2],
                              "到位资金(亿元)": shown(r["amount"])} for k, r in rows.items() if k not in now]
        elif table == "annual_target":
            names = dict(conn.execute(select(Region.id, Region.name)).all())
            gone["targets"] = [{"年度": k[0], "县区": names.get(k[1], k[1]), "指标": k[2],
                                "原目标值": shown(r["value"]), "现目标值": shown(now[k]["value"]) if k in now else ""}
                               for k, r in rows.items() if k not in now or now[k]["value"] != r["value"]]
        elif table == "resident_activity":
            gone["resident"] = [{"工作队": k[0], "年份": k[1], "月份": k[2]} for k in rows if k not in now]
        elif table == "enterprise_problem":
            gone["problems"] = [{"企业名称": k[0], "问题描述": k[1], "提出日期": k[2]} for k in rows if k not in now]
        elif table == "activity":
            gone["activities"] = [{"日期": k[0], "领导": k[2], "活动类型": k[3], "对接企业": k[4], "活动名称": k[5]}
                                  for k in rows if k not in now]
    superseded.gone = {k: v for k, v in gone.items() if v}


def shown(value) -> str:
    """A value as a preview shows it: 是/否, amounts with 2 decimals, dates as 2023-03-05."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------------------------
# undo

@dataclass
class _Undone:
    touched: set = field(default_factory=set)
    deleted_project_ids: dict[str, int] = field(default_factory=dict)


def _current_rows(conn: Connection, table: str, keys: list[tuple]) -> dict[tuple, dict]:
    """The rows of ``table`` with these natural keys as they are now, by key."""
    t = TABLES[table]
    names = KEYS[table]
    found: dict[tuple, dict] = {}
    if not keys:
        return found
    first = names[0]
    firsts = sorted({k[0] for k in keys}, key=str)
    wanted = set(keys)
    stmt = select(t).where(t.c[first].in_(bindparam("firsts", expanding=True)))
    for start in range(0, len(firsts), 1000):
        chunk = [typed(table, {first: v})[first] for v in firsts[start:start + 1000]]
        for row in conn.execute(stmt, {"firsts": chunk}).mappings():
            key = row_key(table, row)
            if key in wanted:
                found[key] = dict(row)
    return found


def _where_key(table: str, key: tuple):
    t = TABLES[table]
    values = typed(table, dict(zip(KEYS[table], key)))
    return and_(*(t.c[k] == v for k, v in values.items()))


def _delete_rows(conn: Connection, table: str, keys: list[tuple]) -> None:
    t = TABLES[table]
    names = KEYS[table]
    if keys:
        conn.execute(delete(t).where(*(t.c[k] == bindparam(f"_{k}") for k in names)),
                     [{f"_{k}": v for k, v in typed(table, dict(zip(names, key))).items()} for key in keys])


def _restore(conn: Connection, table: str, key: tuple, before: dict | None) -> None:
    """Put row ``key`` back as ``before`` (delete it when None; insert it when it is missing). A
    project comes back with its id (its funds rows name it; project ids are never given twice, see
    importer._new_ids); other rows get a new id, as nothing names theirs."""
    t = TABLES[table]
    cond = _where_key(table, key)
    if before is None:
        conn.execute(delete(t).where(cond))
    elif conn.execute(update(t).where(cond).values(**before)).rowcount == 0:
        conn.execute(insert(t).values(**{k: v for k, v in before.items() if k != "id" or table == "project"}))


def _regions_of_keys(conn: Connection, table: str, keys: list[tuple]) -> set[int]:
    if table == "project":
        column, values = Project.code, sorted({k[0] for k in keys})
    elif table == "funds":
        column, values = Project.id, sorted({k[0] for k in keys})
    else:
        return set()
    found: set[int] = set()
    for start in range(0, len(values), 1000):
        found.update(conn.scalars(select(Project.region_id).distinct().where(column.in_(values[start:start + 1000]))))
    return found


def _undo(conn: Connection, batch_id: int, entries: list[Entry], log: Log | None, keep: dict[str, set[tuple]],
          was: dict[str, dict[tuple, dict]] | None = None, stage_rows: bool = True) -> _Undone:
    """Undo ``entries`` (newest first) of batch ``batch_id``. With ``log`` (superseding), every change
    is logged there first (rows as they were) and rows in ``keep`` (a later upload's) are left alone,
    logged as carried; ``was`` collects the rows as they were, by table and key."""
    out = _Undone()
    if stage_rows:  # the stage history the batch recorded
        sc = StageChange.__table__
        if log is not None:
            rows = [dict(r) for r in conn.execute(select(sc).where(sc.c.batch_id == batch_id)).mappings()]
            for r in rows:
                log.changed("stage_change", (r["id"],), r)
        conn.execute(delete(sc).where(sc.c.batch_id == batch_id))
    undone = [(e, [k for k in e.keys if k not in keep.get(e.table, ())]) for e in entries if e.marker != CLAIMED]
    # per table, in one query each (not one per row): the regions touched and, when superseding, the
    # rows the single entries name as they are now
    by_table: dict[str, list[tuple]] = defaultdict(list)
    for e, keys in undone:
        by_table[e.table] += keys
    for table, keys in by_table.items():
        out.touched |= _regions_of_keys(conn, table, keys)
    current_singles = {table: _current_rows(conn, table, [k for e, keys in undone if e.table == table
                                                          and e.marker is None for k in keys])
                       for table in by_table} if log is not None or was is not None else {}
    for e, keys in undone:
        if log is not None and len(keys) < len(e.keys):
            log.claimed(e.table, [k for k in e.keys if k in keep.get(e.table, ())])
        if not keys:
            continue
        if e.marker == INSERTED:
            now = _current_rows(conn, e.table, keys)
            if e.table == "project" and keep.get("funds"):  # a later upload's funds rows name them
                named = {k[0] for k in keep["funds"]}
                kept = [k for k, r in now.items() if r["id"] in named]
                if kept and log is not None:
                    log.claimed("project", kept)
                now = {k: r for k, r in now.items() if r["id"] not in named}
            if was is not None:
                was[e.table].update(now)
            if e.table == "project":
                _delete_projects(conn, now, log, out)
            else:
                if log is not None:
                    for key in keys:
                        if key in now:
                            log.changed(e.table, key, now[key])
                _delete_rows(conn, e.table, keys)
            continue
        key = e.keys[0]
        if log is not None or was is not None:
            now = current_singles[e.table].get(key)
            if was is not None and now is not None:
                was[e.table][key] = now
            if log is not None:
                log.changed(e.table, key, now)
        if e.table == "project" and e.before is not None:
            out.touched.add(e.before["region_id"])
        if e.table == "project" and e.before is None:
            now = _current_rows(conn, "project", [key])
            _delete_projects(conn, now, log, out)
        else:
            _restore(conn, e.table, key, e.before)
    if log is not None:
        log.flush()
    return out


def _delete_projects(conn: Connection, rows: dict[tuple, dict], log: Log | None, out: _Undone) -> None:
    """Delete projects (rows by key) with what depends on them: funds rows and stage history go with
    them, problems lose their link. When superseding, each of those is logged so that rolling the
    superseding upload back puts them all back."""
    if not rows:
        return
    ids = sorted(r["id"] for r in rows.values())
    out.touched |= {r["region_id"] for r in rows.values()}
    out.deleted_project_ids |= {r["code"]: r["id"] for r in rows.values()}
    if log is not None:
        for start in range(0, len(ids), 1000):
            chunk = ids[start:start + 1000]
            for r in conn.execute(select(EnterpriseProblem.__table__).where(
                    EnterpriseProblem.project_id.in_(chunk))).mappings():
                log.changed("enterprise_problem", row_key("enterprise_problem", r), dict(r))
            for r in conn.execute(select(StageChange.__table__).where(StageChange.project_id.in_(chunk))).mappings():
                log.changed("stage_change", (r["id"],), dict(r))
            for r in conn.execute(select(Funds.__table__).where(Funds.project_id.in_(chunk))).mappings():
                log.changed("funds", row_key("funds", r), dict(r))
        for key, r in rows.items():
            log.changed("project", key, r)
        log.flush()  # before the rows go: the log's order is the order of undoing
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        conn.execute(delete(Funds).where(Funds.project_id.in_(chunk)))
        conn.execute(delete(StageChange).where(StageChange.project_id.in_(chunk)))
        conn.execute(update(EnterpriseProblem).where(EnterpriseProblem.project_id.in_(chunk)).values(project_id=None))
        conn.execute(delete(Project).where(Project.id.in_(chunk)))


def _settle_status(conn: Connection, batch_id: int) -> None:
    """A batch is active while any of its kinds is; superseded when every kind is."""
    statuses = set(conn.scalars(select(ImportBatchKind.status).where(ImportBatchKind.batch_id == batch_id)))
    status = "active" if "active" in statuses or not statuses else "superseded"
    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id, ImportBatch.status != "rolled_back")
                 .values(status=status))


# ---------------------------------------------------------------------------------------------
# rollback

def rollback_batch(engine, batch_id: int, user: str = "cli") -> list[int]:
    """Undo batch ``batch_id`` as if it had never been uploaded; the uploads it superseded are current
    again (returned). Raises ImportRejected, changing nothing, when that cannot be done exactly (see
    the module)."""
    with engine.begin() as conn:
        reactivated = rollback(conn, batch_id)
        db.bump_data_version(conn)
        audit.record(conn, user, "rollback", f"#{batch_id}", before={"状态": BATCH_STATUS["active"]},
                     after={"状态": BATCH_STATUS["rolled_back"],
                            **({"恢复批次": [f"#{b}" for b in reactivated]} if reactivated else {})})
    return reactivated


def rollback(conn: Connection, batch_id: int) -> list[int]:
    """Roll ``batch_id`` back inside ``conn``'s transaction; returns the batches current again."""
    batch = conn.execute(select(ImportBatch).where(ImportBatch.id == batch_id)).mappings().first()
    if batch is None:
        raise _refused(batch_id, BATCH_MSG["missing"].format(batch=batch_id))
    if batch["status"] != "active":
        raise _refused(batch_id, BATCH_MSG["not_active"].format(batch=batch_id, status=BATCH_STATUS[batch["status"]]))
    lock(conn, batch["region_id"], batch["year"], batch["month"], KINDS)
    k = ImportBatchKind.__table__.c
    replaced = conn.execute(select(k.kind, k.superseded_by).where(k.batch_id == batch_id, k.status == "superseded")
                            ).first()
    if replaced is not None:
        raise _refused(batch_id, BATCH_MSG["kind_superseded"].format(
            batch=batch_id, kind=KIND_LABELS[replaced.kind], later=replaced.superseded_by))
    entries = _entries(conn, [batch_id])
    later = _later_clash(conn, batch_id, entries)
    if later is not None:
        raise _refused(batch_id, BATCH_MSG["blocked"].format(batch=batch_id, later=later))
    undone = _undo(conn, batch_id, entries, None, {})
    conn.execute(update(ImportBatchKind).where(k.batch_id == batch_id).values(status="rolled_back"))
    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(status="rolled_back"))
    reactivated = sorted(set(conn.scalars(select(k.batch_id).where(k.superseded_by == batch_id))))
    conn.execute(update(ImportBatchKind).where(k.superseded_by == batch_id).values(status="active",
                                                                                   superseded_by=None))
    for b in reactivated:
        _settle_status(conn, b)
        undone.touched |= _batch_regions(conn, b)
    undone.touched.discard(None)
    rebuild_facts(conn, undone.touched)
    return reactivated


def _batch_regions(conn: Connection, batch_id: int) -> set[int]:
    found = set()
    for e in _entries(conn, [batch_id], tables=("project", "funds")):
        found |= _regions_of_keys(conn, e.table, e.keys)
    return found


def _later_clash(conn: Connection, batch_id: int, entries: list[Entry]) -> int | None:
    """The latest active batch after ``batch_id`` that wrote or carries a row ``batch_id`` changed, or
    has funds rows of a project ``batch_id`` added; None when there is none."""
    mine = _rows_of([e for e in entries if e.marker != CLAIMED])
    if not mine:
        return None
    added = set()
    if mine.get("project"):
        added_codes = sorted({k[0] for e in entries if e.table == "project" and e.marker == INSERTED for k in e.keys})
        for start in range(0, len(added_codes), 1000):
            added |= set(conn.scalars(select(Project.id).where(Project.code.in_(added_codes[start:start + 1000]))))
    for later in sorted(_later_active(conn, batch_id), reverse=True):
        theirs = _rows_of(_entries(conn, [later]))
        if any(not mine[t].isdisjoint(theirs.get(t, ())) for t in mine) or \
                any(k[0] in added for k in theirs.get("funds", ())):
            return later
    return None


# ---------------------------------------------------------------------------------------------
# listing

def list_batches(conn: Connection, region_id: int | None = None) -> list[dict]:
    """Every batch, newest first, with its kinds (``kinds``: kind -> status, superseded_by)."""
    stmt = (select(ImportBatch.id, ImportBatch.uploaded_by, ImportBatch.created_at, ImportBatch.file_name,
                   Region.name.label("region"), ImportBatch.year, ImportBatch.month, ImportBatch.row_count,
                   ImportBatch.status, ImportBatch.summary, ImportBatch.notes)
            .outerjoin(Region, Region.id == ImportBatch.region_id).order_by(ImportBatch.id.desc()))
    if region_id is not None:
        stmt = stmt.where(ImportBatch.region_id == region_id)
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    kinds: dict[int, dict] = defaultdict(dict)
    for b, kind, status, by in conn.execute(select(ImportBatchKind.batch_id, ImportBatchKind.kind,
                                                   ImportBatchKind.status, ImportBatchKind.superseded_by)):
        kinds[b][kind] = (status, by)
    for r in rows:
        r["kinds"] = dict(sorted(kinds.get(r["id"], {}).items(), key=lambda kv: KINDS.index(kv[0])))
        r["notes"] = json.loads(r["notes"]) if r["notes"] else []
    return rows


def kinds_text(kinds: dict) -> str:
    """项目台账、年度目标(已被 #7 替代)"""
    return "、".join(KIND_LABELS[k] + (BATCH_MSG["kind_replaced"].format(later=by) if status == "superseded" and by
                                       else "") for k, (status, by) in kinds.items())


def archived_file(conn: Connection, batch_id: int) -> bytes | None:
    return conn.scalar(select(ImportFile.content).where(ImportFile.batch_id == batch_id))
