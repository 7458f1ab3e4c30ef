"""产业链 and 重点企业 breakdowns on one small hand-built city, worked out by hand.

Regions E = 东城区, W = 西城区, S = 南山县, N = 北湖区 (nothing); chains M = 木材加工, J = 智能家电,
B = 生物医药. Amounts in 亿元.

code reg chain amount sign        stage start       investor  tags
C01  E   M     5.00   2024-02-10  开工  2024-04-01  华润集团  世界500强
C02  E   J     3.00   2024-03-15  签约  -           精工科技  专精特新小巨人
C03  W   M     2.50   2024-05-20  签约  -           企业C03   瞪羚
C04  W   B     8.00   2024-06-30  开工  2024-06-30  华润集团  世界500强   (华润's second project)
C05  S   M     1.25   2024-01-05  终止  -           企业C05
C06  E   M     4.00   2023-03-01  投产  2023-05-01  海尔集团  中国500强   (production 2023-12-01)
C07  W   J     6.00   2023-06-15  开工  2023-09-01  联想集团  民营500强、上市公司
C08  S   B     2.00   2024-04-08  签约  -           联想集团  民营500强、上市公司 (联想's first is C07)
C09  E   M     1.50   -           在谈  -           企业C09   独角兽
C10  S   M     0.75   2024-07-10  签约  -           企业C10   瞪羚       (after the window)
C11  W   M     3.50   2023-02-01  签约  -           企业C11
C12  E   J     1.00   2023-08-01  签约  -           企业C12               (after last year's window)

Funds: C01 2024-03 1.00, 2024-05 0.50; C06 2023-04 1.00, 2024-02 0.80; C07 2023-10 2.00,
2024-04 1.20; C04 2024-07 3.00; C11 2023-05 0.50.

The query is 2024 through June (window 2024-01-01 … 2024-06-30), last year 2023 through June.
Signed in the window: C01 C02 C03 C04 C05 C08 = 6 projects, 21.75; last year: C06 C07 C11.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert, update

from data_access.models import DEFAULT_TAGS, Project, Tag
from metrics import breakdowns as bd
from metrics.figures import rounded
from metrics.measures import drill_down, measures, new_enterprises
from metrics.period import Period, Scope
from tests.builders import chain_id, funds, project, region, summarise

D = Decimal
d = dt.date
JUNE = Period(2024, 6)

# code: (region, chain, amount, sign, stage, start, production, investor, tags)
PROJECTS = {
    "C01": ("东城区", "木材加工", 5, d(2024, 2, 10), "开工", d(2024, 4, 1), None, "华润集团", "世界500强"),
    "C02": ("东城区", "智能家电", 3, d(2024, 3, 15), "签约", None, None, "精工科技", "专精特新小巨人"),
    "C03": ("西城区", "木材加工", 2.5, d(2024, 5, 20), "签约", None, None, "企业C03", "瞪羚"),
    "C04": ("西城区", "生物医药", 8, d(2024, 6, 30), "开工", d(2024, 6, 30), None, "华润集团", "世界500强"),
    "C05": ("南山县", "木材加工", 1.25, d(2024, 1, 5), "终止", None, None, "企业C05", None),
    "C06": ("东城区", "木材加工", 4, d(2023, 3, 1), "投产", d(2023, 5, 1), d(2023, 12, 1), "海尔集团", "中国500强"),
    "C07": ("西城区", "智能家电", 6, d(2023, 6, 15), "开工", d(2023, 9, 1), None, "联想集团", "民营500强、上市公司"),
    "C08": ("南山县", "生物医药", 2, d(2024, 4, 8), "签约", None, None, "联想集团", "民营500强、上市公司"),
    "C09": ("东城区", "木材加工", 1.5, None, "在谈", None, None, "企业C09", "独角兽"),
    "C10": ("南山县", "木材加工", 0.75, d(2024, 7, 10), "签约", None, None, "企业C10", "瞪羚"),
    "C11": ("西城区", "木材加工", 3.5, d(2023, 2, 1), "签约", None, None, "企业C11", None),
    "C12": ("东城区", "智能家电", 1, d(2023, 8, 1), "签约", None, None, "企业C12", None),
}
FUNDS = [("C01", 2024, 3, 1), ("C01", 2024, 5, 0.5), ("C06", 2023, 4, 1), ("C06", 2024, 2, 0.8),
         ("C07", 2023, 10, 2), ("C07", 2024, 4, 1.2), ("C04", 2024, 7, 3), ("C11", 2023, 5, 0.5)]


def small_city(conn) -> dict[str, int]:
    """Builds the city above (and its summary table); returns region and chain ids by name."""
    ids = {name: region(conn, name) for name in ("东城区", "西城区", "南山县", "北湖区")}
    ids |= {name: chain_id(conn, name) for name in ("木材加工", "智能家电", "生物医药", "新能源电动车")}
    pids = {}
    for code, (reg, chain, amount, sign, stage, start, production, investor, tags) in PROJECTS.items():
        kinds = {DEFAULT_TAGS[t] for t in (tags or "").split("、") if t}
        pids[code] = project(conn, ids[reg], amount, sign, stage=stage, chain=chain, start=start,
                             production=production, investor=investor, code=code,
                             top500="top500" in kinds, little_giant="little_giant" in kinds)
        conn.execute(update(Project).where(Project.id == pids[code]).values(tags=tags))
    for code, year, month, amount in FUNDS:
        funds(conn, pids[code], year, month, amount)
    summarise(conn)
    return ids


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        ids = small_city(conn)
    with engine.connect() as conn:
        yield conn, ids


def codes(rows):
    return [r["code"] for r in rows]


# ---- 产业链

def test_chain_summary_with_yoy(city):
    conn, ids = city
    rows = {r["chain"]: r for r in bd.chain_summary(conn, JUNE)}
    assert list(rows) == ["木材加工", "新能源电动车", "智能家电", "纺织服装", "生物医药", "其他"]
    wood = rows["木材加工"]
    assert (wood["signed_count"], wood["signed_count_last"]) == (3, 2)          # C01 C03 C05 / C06 C11
    assert (wood["signed_amount"], wood["signed_amount_last"]) == (D("8.7500"), D("7.5000"))
    assert (wood["funds_in_place"], wood["funds_in_place_last"]) == (D("2.3000"), D("1.5000"))  # C01+C06 / C06+C11
    assert rounded(wood["signed_count_yoy_pct"]) == 50.0
    assert rounded(wood["signed_amount_yoy_pct"]) == 16.67                      # 1.25 / 7.5
    assert rounded(wood["funds_in_place_yoy_pct"]) == 53.33                     # 0.8 / 1.5
    home = rows["智能家电"]
    assert (home["signed_count"], home["signed_amount"], home["funds_in_place"]) == (1, D("3.0000"), D("1.2000"))
    assert rounded(home["signed_count_yoy_pct"]) == 0.0
    assert rounded(home["signed_amount_yoy_pct"]) == -50.0                      # 3 vs 6
    assert home["funds_in_place_yoy_pct"] is None                               # last year 0 (C07's funds in Oct)
    bio = rows["生物医药"]
    assert (bio["signed_count"], bio["signed_amount"], bio["signed_amount_yoy_pct"]) == (2, D("10.0000"), None)
    assert rows["新能源电动车"]["signed_count"] == 0 and rows["新能源电动车"]["signed_amount_yoy_pct"] is None


def test_chain_summary_for_a_region_and_a_chain(city):
    conn, ids = city
    rows = {r["chain"]: r for r in bd.chain_summary(conn, JUNE, Scope(region_id=ids["西城区"]))}
    assert rows["木材加工"]["signed_amount"] == D("2.5000")
    assert rounded(rows["木材加工"]["signed_amount_yoy_pct"]) == -28.57          # 2.5 vs C11 3.5
    assert rounded(rows["智能家电"]["signed_amount_yoy_pct"]) == -100.0          # 0 vs C07 6
    assert rounded(rows["木材加工"]["funds_in_place_yoy_pct"]) == -100.0         # 0 vs C11 0.5
    only = bd.chain_summary(conn, JUNE, Scope(chain_id=ids["生物医药"]))
    assert [(r["chain"], r["signed_count"]) for r in only] == [("生物医药", 2)]
    nothing = bd.chain_summary(conn, JUNE, Scope(region_id=ids["北湖区"]))
    assert all(r["signed_count"] == 0 and r["signed_amount_yoy_pct"] is None for r in nothing)


MATRIX = {("木材加工", "东城区"): (1, "5.0000"), ("木材加工", "西城区"): (1, "2.5000"),
          ("木材加工", "南山县"): (1, "1.2500"), ("智能家电", "东城区"): (1, "3.0000"),
          ("生物医药", "西城区"): (1, "8.0000"), ("生物医药", "南山县"): (1, "2.0000")}
MATRIX_CODES = {("木材加工", "东城区"): ["C01"], ("木材加工", "西城区"): ["C03"], ("木材加工", "南山县"): ["C05"],
                ("智能家电", "东城区"): ["C02"], ("生物医药", "西城区"): ["C04"], ("生物医药", "南山县"): ["C08"]}


@pytest.mark.parametrize("use_fact", [True, False])
def test_chain_region_matrix(city, use_fact):
    conn, ids = city
    cells = bd.chain_region_matrix(conn, JUNE, use_fact=use_fact)
    assert cells == {(ids[c], ids[r]): {"signed_count": n, "signed_amount": D(a)} for (c, r), (n, a) in MATRIX.items()}
    for (c, r), expected in MATRIX_CODES.items():
        rows = drill_down(conn, "signed_amount", JUNE, Scope(region_id=ids[r], chain_id=ids[c]))
        assert codes(rows) == expected
        assert sum(x["contract_amount"] for x in rows) == cells[(ids[c], ids[r])]["signed_amount"]


def test_matrix_agrees_with_measures_per_chain(city):
    conn, ids = city
    cells = bd.chain_region_matrix(conn, JUNE)
    for chain in ("木材加工", "智能家电", "生物医药"):
        per_region = measures(conn, JUNE, Scope(chain_id=ids[chain]), group_by="region")
        assert {rid: v["signed_amount"] for rid, v in per_region.items() if v["signed_count"]} == \
            {rid: v["signed_amount"] for (cid, rid), v in cells.items() if cid == ids[chain]}


def test_matrix_with_a_minimum_amount_and_a_region(city):
    conn, ids = city
    cells = bd.chain_region_matrix(conn, JUNE, Scope(min_amount=D(2)))   # C05 (1.25) drops out
    assert {k: v["signed_amount"] for k, v in cells.items()} == {
        (ids["木材加工"], ids["东城区"]): D("5.0000"), (ids["木材加工"], ids["西城区"]): D("2.5000"),
        (ids["智能家电"], ids["东城区"]): D("3.0000"), (ids["生物医药"], ids["西城区"]): D("8.0000"),
        (ids["生物医药"], ids["南山县"]): D("2.0000")}
    west = bd.chain_region_matrix(conn, JUNE, Scope(region_id=ids["西城区"]))
    assert set(west) == {(ids["木材加工"], ids["西城区"]), (ids["生物医药"], ids["西城区"])}
    assert bd.chain_region_matrix(conn, JUNE, Scope(region_id=ids["北湖区"])) == {}


def test_top_projects_by_chain(city):
    conn, ids = city
    top = bd.top_projects_by_chain(conn, JUNE)
    assert {cid: codes(rows) for cid, rows in top.items()} == {
        ids["木材加工"]: ["C01", "C03", "C05"], ids["智能家电"]: ["C02"], ids["生物医药"]: ["C04", "C08"]}
    assert [r["rank"] for r in top[ids["木材加工"]]] == [1, 2, 3]
    two = bd.top_projects_by_chain(conn, JUNE, limit=2)
    assert codes(two[ids["木材加工"]]) == ["C01", "C03"]
    assert codes(bd.top_projects_by_chain(conn, JUNE, Scope(region_id=ids["南山县"]))[ids["木材加工"]]) == ["C05"]
    assert bd.top_projects_by_chain(conn, Period(2022, 6)) == {}


def test_stage_breakdown_of_a_chain(city):
    conn, ids = city
    wood = Scope(chain_id=ids["木材加工"])
    assert bd.stage_breakdown(conn, JUNE, wood) == [
        {"stage": "在谈", "count": 1, "amount": D("1.5000")},   # C09 (no signing date)
        {"stage": "签约", "count": 1, "amount": D("2.5000")},   # C03
        {"stage": "开工", "count": 1, "amount": D("5.0000")},   # C01
        {"stage": "投产", "count": 0, "amount": D("0.0000")},   # C06 was signed last year
        {"stage": "终止", "count": 1, "amount": D("1.2500")},   # C05
    ]
    assert codes(bd.stage_projects(conn, JUNE, wood)) == ["C01", "C03", "C09", "C05"]
    assert codes(bd.stage_projects(conn, JUNE, wood, "在谈")) == ["C09"]
    assert bd.stage_projects(conn, JUNE, wood, "投产") == []
    city_wide = {s["stage"]: (s["count"], s["amount"]) for s in bd.stage_breakdown(conn, JUNE)}
    assert city_wide == {"在谈": (1, D("1.5000")), "签约": (3, D("7.5000")), "开工": (2, D("13.0000")),
                         "投产": (0, D("0.0000")), "终止": (1, D("1.2500"))}
    # the signed stages add up to signed_count
    assert sum(n for stage, (n, _) in city_wide.items() if stage != "在谈") == 6


# ---- 重点企业

def test_tag_groups(city):
    conn, _ = city
    assert bd.tag_groups(conn) == [{"key": "top500", "label": "500强"},
                                   {"key": "little_giant", "label": "专精特新小巨人"},
                                   {"key": "独角兽", "label": "独角兽"}, {"key": "瞪羚", "label": "瞪羚"},
                                   {"key": "上市公司", "label": "上市公司"}]


def test_top500(city):
    conn, ids = city
    assert bd.tag_summary(conn, JUNE, Scope(), "top500") == {
        "new_enterprises": 1,          # 华润 (first project C01 in the window); 联想, 海尔 came in 2023
        "projects": 3, "amount": D("15.0000"),   # C01 5 + C04 8 + C08 2
        "enterprises": 2}              # 华润, 联想
    assert measures(conn, JUNE)[None]["top500_projects"] == 3
    assert codes(bd.tag_projects(conn, JUNE, Scope(), "top500")) == ["C04", "C01", "C08"] == \
        codes(drill_down(conn, "top500_projects", JUNE))
    assert codes(bd.tag_new_enterprise_projects(conn, JUNE, Scope(), "top500")) == ["C01"]
    assert [(r["region"], r["new_enterprises"], r["projects"], r["amount"])
            for r in bd.tag_by_region(conn, JUNE, Scope(), "top500")] == [
        ("东城区", 1, 1, D("5.0000")), ("西城区", 0, 1, D("8.0000")), ("南山县", 0, 1, D("2.0000")),
        ("北湖区", 0, 0, D("0.0000"))]
    # 华润's first project is in 东城区, so in 西城区 it is no new enterprise, though C04 is its project there
    west = Scope(region_id=ids["西城区"])
    assert bd.tag_summary(conn, JUNE, west, "top500")["new_enterprises"] == 0 == \
        new_enterprises(conn, JUNE, west, "is_top500")
    assert codes(bd.tag_projects(conn, JUNE, west, "top500")) == ["C04"]
    assert bd.tag_enterprises(conn, JUNE, Scope(), "top500") == [
        {"investor": "华润集团", "tags": "世界500强", "projects": 2, "amount": D("13.0000"),
         "first_sign": d(2024, 2, 10), "is_new": True},
        {"investor": "联想集团", "tags": "民营500强、上市公司", "projects": 1, "amount": D("2.0000"),
         "first_sign": d(2024, 4, 8), "is_new": False}]
    assert codes(bd.tag_projects(conn, JUNE, Scope(), "top500", investor="华润集团")) == ["C04", "C01"]


def test_little_giant(city):
    conn, ids = city
    assert bd.tag_summary(conn, JUNE, Scope(), "little_giant") == {
        "new_enterprises": 1, "projects": 1, "amount": D("3.0000"), "enterprises": 1}   # 精工科技 C02
    assert codes(bd.tag_new_enterprise_projects(conn, JUNE, Scope(), "little_giant")) == ["C02"] == \
        codes(drill_down(conn, "little_giant_enterprises_new", JUNE))
    assert [r["projects"] for r in bd.tag_by_region(conn, JUNE, Scope(), "little_giant")] == [1, 0, 0, 0]


def test_other_tags(city):
    conn, ids = city
    # 瞪羚: C03 in the window (企业C03 new, in 西城区); C10 is signed in July
    assert bd.tag_summary(conn, JUNE, Scope(), "瞪羚") == {
        "new_enterprises": 1, "projects": 1, "amount": D("2.5000"), "enterprises": 1}
    assert [(r["region"], r["new_enterprises"], r["projects"]) for r in bd.tag_by_region(conn, JUNE, Scope(), "瞪羚")] \
        == [("东城区", 0, 0), ("西城区", 1, 1), ("南山县", 0, 0), ("北湖区", 0, 0)]
    july = Period(2024, 7)
    assert codes(bd.tag_projects(conn, july, Scope(), "瞪羚")) == ["C03", "C10"]
    assert codes(bd.tag_new_enterprise_projects(conn, july, Scope(), "瞪羚")) == ["C03", "C10"]
    # 上市公司: 联想's C08 in the window, but 联想 came in 2023 (C07)
    assert bd.tag_summary(conn, JUNE, Scope(), "上市公司") == {
        "new_enterprises": 0, "projects": 1, "amount": D("2.0000"), "enterprises": 1}
    assert bd.tag_enterprises(conn, JUNE, Scope(), "上市公司")[0]["is_new"] is False
    assert bd.tag_new_enterprise_projects(conn, JUNE, Scope(), "上市公司") == []
    assert codes(bd.tag_new_enterprise_projects(conn, Period(2023, 6), Scope(), "上市公司")) == ["C07"]
    # 独角兽: C09 is only under negotiation
    assert bd.tag_summary(conn, JUNE, Scope(), "独角兽") == {
        "new_enterprises": 0, "projects": 0, "amount": D("0.0000"), "enterprises": 0}
    assert bd.tag_enterprises(conn, JUNE, Scope(), "独角兽") == []


def test_tags_match_whole_names(city):
    conn, _ = city
    conn.execute(insert(Tag).values(name="羚", kind="other"))
    assert bd.tag_projects(conn, JUNE, Scope(), "羚") == []            # 瞪羚 is another tag
    assert bd.tag_new_enterprises(conn, JUNE, Scope(), "羚") == 0
    assert codes(bd.tag_projects(conn, JUNE, Scope(), "民营500强")) == ["C08"]   # a tag in the middle of the list


def test_empty_database(engine):
    with engine.connect() as conn:
        assert all(r["signed_count"] == 0 for r in bd.chain_summary(conn, JUNE))
        assert bd.chain_region_matrix(conn, JUNE) == {}
        assert bd.top_projects_by_chain(conn, JUNE) == {}
        assert [s["count"] for s in bd.stage_breakdown(conn, JUNE)] == [0, 0, 0, 0, 0]
        assert bd.tag_summary(conn, JUNE, Scope(), "top500") == {
            "new_enterprises": 0, "projects": 0, "amount": D("0.0000"), "enterprises": 0}
        assert bd.tag_by_region(conn, JUNE, Scope(), "瞪羚") == []
        assert bd.tag_enterprises(conn, JUNE, Scope(), "little_giant") == []
