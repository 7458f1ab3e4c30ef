"""Small hand-built datasets: insert rows directly, then summarise as the importer would."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from sqlalchemy import Connection, insert, select

from data_access.config import add_region
from data_access.facts import rebuild_facts
from data_access.models import AnnualTarget, Chain, Funds, Project, Region

_codes = count(1)


def region(conn: Connection, name: str, *aliases: str) -> int:
    return add_region(conn, name, aliases=aliases)


def chain_id(conn: Connection, name: str = "木材加工") -> int:
    return conn.scalar(select(Chain.id).where(Chain.name == name))


def city_id(conn: Connection) -> int:
    return conn.scalar(select(Region.id).where(Region.name == "全市"))


def project(conn: Connection, region_id: int, amount, sign: dt.date | None, *, stage: str = "签约",
            chain: str = "木材加工", manufacturing: bool = False, start: dt.date | None = None,
            production: dt.date | None = None, planned_production: dt.date | None = None,
            investor: str | None = None, top500: bool = False, little_giant: bool = False,
            origin: str | None = "省外", channel: str | None = "以商招商", code: str | None = None) -> int:
    code = code or f"T-{next(_codes):05d}"
    return conn.execute(insert(Project).values(
        code=code, name=f"项目{code}", investor=investor or f"企业{code}", region_id=region_id,
        chain_id=chain_id(conn, chain), is_manufacturing=manufacturing, is_top500=top500,
        is_little_giant=little_giant, tags=None, origin=origin, channel=channel, stage=stage, sign_date=sign,
        contract_amount=None if amount is None else Decimal(str(amount)), start_date=start,
        production_date=production, planned_production_date=planned_production,
    )).inserted_primary_key[0]


def funds(conn: Connection, project_id: int, year: int, month: int, amount) -> None:
    conn.execute(insert(Funds).values(project_id=project_id, year=year, month=month, amount=Decimal(str(amount))))


def target(conn: Connection, year: int, region_id: int, indicator: str, value) -> None:
    conn.execute(insert(AnnualTarget).values(year=year, region_id=region_id, indicator=indicator,
                                             value=Decimal(str(value))))


def summarise(conn: Connection) -> None:
    rebuild_facts(conn, None)


def three_counties(conn: Connection) -> None:
    """2024: 合同投资额 targets 甲区 10, 乙县 10, 丙县 10, 全市 30; signed 甲区 6.0 (Mar, 到位资金 1.5 in
    May), 乙县 4.5 (May), 丙县 3.0 (Jan, started Feb). Through June (序时进度 50%): 60%, 45%, 30%."""
    jia, yi, bing = (region(conn, n) for n in ("甲区", "乙县", "丙县"))
    for rid in (jia, yi, bing):
        target(conn, 2024, rid, "合同投资额", 10)
    target(conn, 2024, city_id(conn), "合同投资额", 30)
    funds(conn, project(conn, jia, "6.0", dt.date(2024, 3, 10)), 2024, 5, "1.5")
    project(conn, yi, "4.5", dt.date(2024, 5, 20))
    project(conn, bing, "3.0", dt.date(2024, 1, 5), stage="开工", start=dt.date(2024, 2, 1))
    summarise(conn)


LEDGER_HEAD = ["项目编号", "项目名称", "县区", "产业链", "投资方", "企业标签", "是否制造业", "投资来源",
               "招商方式", "项目阶段", "签约日期", "合同投资额(亿元)", "开工日期", "投产日期", "本月到位资金(亿元)",
               "包抓领导", "备注"]


def ledger_row(code, region, amount, sign, *, stage="签约", name=None, start=None, funds=None, manufacturing="是",
               chain="木材加工", tags=None, channel="以商招商"):
    return [code, name or f"{code}项目", region, chain, f"{code}企业", tags, manufacturing, "省外", channel, stage,
            sign, amount, start, None, funds, None, None]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx with the given sheets, each a list of rows (the first usually the header)."""
    import io

    import openpyxl
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
