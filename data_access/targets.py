"""Annual targets as the 管理 page edits them: a year's grid (region × indicator), saved with
validation and an audit entry, or read from an uploaded 年度目标 sheet.

A target upload here writes targets only; it is not an import batch, so it never supersedes the
month's ledger upload (the 数据上报 page still takes a 年度目标 sheet inside a monthly workbook).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection, and_, delete, insert, select, update

from data_access import audit, db
from data_access.excel import TARGETS, Problem, found_sheets, norm, read_workbook
from data_access.models import AnnualTarget, Region, RegionAlias
from data_access.upload_guard import UploadRejected
from labels import MSG, TARGET_INDICATORS, TARGETS_MSG

SHARE_INDICATOR = "制造业占比"
COUNT_INDICATOR = "签约项目数"


def indicators(conn: Connection) -> list[str]:
    """The standard indicators, then any other indicator a city has set targets for."""
    extra = sorted(set(conn.scalars(select(AnnualTarget.indicator).distinct())) - set(TARGET_INDICATORS))
    return [*TARGET_INDICATORS, *extra]


def region_names(conn: Connection) -> list[str]:
    """全市 first, then every region in its order."""
    return list(conn.scalars(select(Region.name).order_by(Region.sort_order, Region.id)))


def target_grid(conn: Connection, year: int) -> dict[tuple[str, str], Decimal]:
    """(region name, indicator) -> target of ``year``."""
    rows = conn.execute(select(Region.name, AnnualTarget.indicator, AnnualTarget.value)
                        .join(Region, Region.id == AnnualTarget.region_id).where(AnnualTarget.year == year))
    return {(r, i): Decimal(str(v)) for r, i, v in rows}


def check_value(indicator: str, value) -> tuple[Decimal | None, str | None]:
    """(the value as a Decimal, None) or (None, why it is refused, in Chinese). Empty means no target."""
    if value is None or (isinstance(value, str) and not value.strip()) or value != value:  # NaN from a grid
        return None, None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None, TARGETS_MSG["not_number"]
    if not number.is_finite():
        return None, TARGETS_MSG["not_number"]
    if number < 0:
        return None, TARGETS_MSG["negative"]
    if indicator == SHARE_INDICATOR and number > 100:
        return None, TARGETS_MSG["share_over_100"]
    if indicator == COUNT_INDICATOR and number != number.to_integral_value():
        return None, TARGETS_MSG["count_integer"]
    return number.quantize(Decimal("0.0001")), None


def save_targets(conn: Connection, year: int, values: dict[tuple[str, str], object], actor: str) -> int:
    """Set the targets of ``year`` given as (region name, indicator) -> value (None or empty: no
    target). Raises TargetsRejected with every problem, writing nothing; returns how many changed."""
    ids = dict(conn.execute(select(Region.name, Region.id)).all())
    known = set(indicators(conn)) | set(TARGET_INDICATORS)
    problems, wanted = [], {}
    if not 2000 <= int(year) <= 2100:
        problems.append(TARGETS_MSG["bad_year"].format(year=year))
    for (region, indicator), value in values.items():
        where = f"{region}·{indicator}"
        if region not in ids:
            problems.append(f"{where}:" + MSG["unknown_region"].format(value=region))
            continue
        if indicator not in known:
            problems.append(f"{where}:" + TARGETS_MSG["unknown_indicator"].format(value=indicator))
            continue
        number, problem = check_value(indicator, value)
        if problem:
            problems.append(f"{where}:“{_typed(value)}”{problem}")
        wanted[(region, indicator)] = number
    if problems:
        raise TargetsRejected(problems)
    current = target_grid(conn, year)
    before, after = {}, {}
    t = AnnualTarget.__table__.c
    for (region, indicator), number in wanted.items():
        old = current.get((region, indicator))
        if old == number:
            continue
        cond = and_(t.year == year, t.region_id == ids[region], t.indicator == indicator)
        if number is None:
            conn.execute(delete(AnnualTarget).where(cond))
        elif old is None:
            conn.execute(insert(AnnualTarget).values(year=year, region_id=ids[region], indicator=indicator,
                                                     value=number))
        else:
            conn.execute(update(AnnualTarget).where(cond).values(value=number))
        key = f"{region}·{indicator}"
        before[key], after[key] = _shown(old), _shown(number)
    if after:
        audit.record(conn, actor, "targets", f"{year}年", before=before, after=after)
        db.bump_data_version(conn)
    return len(after)


def _typed(value) -> str:
    """A value as typed: a grid hands whole numbers over as floats (150.0), shown as 150."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _shown(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


class TargetsRejected(Exception):
    def __init__(self, problems: list):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def targets_from_workbook(conn: Connection, content: bytes) -> tuple[dict[int, dict[tuple[str, str], Decimal]],
                                                                     list[Problem]]:
    """The targets of an uploaded workbook holding a 年度目标 sheet, by year: ({year: {(region name,
    indicator): value}}, problems). Region aliases resolve to names; other sheets are refused."""
    try:
        sheets, problems = found_sheets(list(read_workbook(content)))
    except UploadRejected as exc:
        return {}, [Problem("文件", None, None, None, str(exc))]
    if TARGETS.name not in sheets:
        return {}, [p for p in problems if p.sheet == TARGETS.name] + [
            Problem("工作簿", None, None, None, TARGETS_MSG["no_sheet"])]
    others = dict.fromkeys([s for s in sheets if s != TARGETS.name] +
                           [p.sheet for p in problems if p.sheet != TARGETS.name])
    problems = [Problem(other, None, None, None, TARGETS_MSG["other_sheet"]) for other in others] + \
        [p for p in problems if p.sheet == TARGETS.name]
    names = {norm(n): n for n in conn.scalars(select(Region.name))}
    names |= {norm(a): n for a, n in conn.execute(select(RegionAlias.alias, Region.name)
                                                 .join(Region, Region.id == RegionAlias.region_id))}
    known = set(indicators(conn))
    out: dict[int, dict] = {}
    for row_number, row in sheets[TARGETS.name].rows:
        region = names.get(norm(row["region"])) if row.get("region") else None
        indicator = norm(row["indicator"]) if row.get("indicator") else None
        if row.get("region") and region is None:
            problems.append(Problem(TARGETS.name, row_number, "县区", row["region"],
                                    MSG["unknown_region"].format(value=row["region"])))
        if indicator and indicator not in known:
            problems.append(Problem(TARGETS.name, row_number, "指标", indicator,
                                    TARGETS_MSG["unknown_indicator"].format(value=indicator)))
        number, problem = check_value(indicator, row.get("value"))
        if problem:
            problems.append(Problem(TARGETS.name, row_number, "目标值", row.get("value"), problem))
        if region and indicator in known and number is not None and row.get("year"):
            out.setdefault(int(row["year"]), {})[(region, indicator)] = number
    if not problems and not out:
        problems.append(Problem(TARGETS.name, None, None, None, MSG["no_rows"]))
    return out, problems
