"""Every metric of SPEC §4 on one small hand-built city, worked out by hand.

The city (amounts in 亿元; A = 甲县, B = 乙县; W = 木材加工, J = 智能家电):

code region chain mfg amount   signed      start       production  investor (tags)        origin channel
P01  A      W     yes 12.0000  2024-01-15  2024-03-01  2024-05-20  华润集团 (500强)       省外   驻点招商
P02  A      J     yes 10.0000  2024-02-10  2024-06-30  -           精工科技 (小巨人)       省内   以商招商
P03  A      W     no   5.0000  2024-03-05  2024-07-01  -           企业P03                境外   驻点招商
P04  B      J     yes  4.9999  2024-04-18  -           -           华润集团 (500强)       省外   推介会
P05  B      W     no   0.5000  2024-06-30  2024-06-30  -           企业P05                省内   驻点招商
P06  B      J     yes  3.2500  2024-07-01  -           -           联想集团 (500强)       省外   以商招商
P07  A      W     yes  8.0000  2023-05-10  2023-08-01  2024-02-15  海尔集团 (500强)       省外   以商招商
P08  B      J     no   2.0000  2024-05-08  -           -           海尔集团 (500强)       省外   以商招商  (终止)
P09  A      J     no   0.5001  2024-03-20  -           -           精工科技 (小巨人)       省内   以商招商
P10  B      W     yes  6.0000  2023-02-01  2023-03-01  -           企业P10                省外   驻点招商
P11  A      W     no   3.0000  2023-09-01  -           -           企业P11                省外   以商招商
P12  A      W     no   -       -           -           -           企业P12                省外   以商招商  (在谈)

Funds: P01 2024-01 1.0000, 2024-03 2.0000, 2024-07 4.0000; P07 2023-10 1.0000, 2024-02 1.5000,
2024-06 0.5000; P03 2024-05 0.2500; P10 2023-06 3.5000, 2024-04 0.2500; P05 2024-06 0.1000.

The main query is 2024 through June: window 2024-01-01 … 2024-06-30.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert

from data_access.models import ResidentActivity
from metrics.figures import overview, rounded
from metrics.measures import MEASURES, drill_down, measures, new_enterprises
from metrics.period import Period, Scope
from tests.builders import chain_id, city_id, funds, project, region, summarise, target

D = Decimal
JUNE = Period(2024, 6)
LAST_JUNE = Period(2023, 6)
d = dt.date

ZERO = {
    "signed_count": 0, "signed_amount": D("0.0000"),
    "manufacturing_count": 0, "manufacturing_amount": D("0.0000"),
    "started_count": 0, "production_count": 0, "top500_projects": 0,
    "over10_count": 0, "over10_amount": D("0.0000"), "over5_count": 0, "over5_amount": D("0.0000"),
    "resident_signed_count": 0, "resident_signed_amount": D("0.0000"),
    "funds_in_place": D("0.0000"), "manufacturing_funds": D("0.0000"),
}

# 2024-01 … 2024-06, whole city
CITY = {
    "signed_count": 7,                        # P01 P02 P03 P04 P05 P08 P09
    "signed_amount": D("35.0000"),            # 12 + 10 + 5 + 4.9999 + 0.5 + 2 + 0.5001
    "manufacturing_count": 3,                 # P01 P02 P04
    "manufacturing_amount": D("26.9999"),     # 12 + 10 + 4.9999
    "started_count": 3,                       # P01 (03-01) P02 (06-30) P05 (06-30); P03 starts 07-01
    "production_count": 2,                    # P01 (2024-05-20), P07 (signed 2023, produced 2024-02-15)
    "top500_projects": 3,                     # P01 P04 P08
    "over10_count": 2, "over10_amount": D("22.0000"),   # P01 12 + P02 10 (exactly 10 counts)
    "over5_count": 3, "over5_amount": D("27.0000"),     # P01 12 + P02 10 + P03 5; P04 4.9999 does not
    "resident_signed_count": 3, "resident_signed_amount": D("17.5000"),  # P01 12 + P03 5 + P05 0.5
    "funds_in_place": D("5.6000"),            # P01 1+2, P07 1.5+0.5, P03 0.25, P10 0.25, P05 0.1
    "manufacturing_funds": D("5.2500"),       # P01 3 + P07 2 + P10 0.25
}
REGION_A = {
    "signed_count": 4, "signed_amount": D("27.5001"),          # P01 P02 P03 P09: 12 + 10 + 5 + 0.5001
    "manufacturing_count": 2, "manufacturing_amount": D("22.0000"),
    "started_count": 2, "production_count": 2, "top500_projects": 1,
    "over10_count": 2, "over10_amount": D("22.0000"), "over5_count": 3, "over5_amount": D("27.0000"),
    "resident_signed_count": 2, "resident_signed_amount": D("17.0000"),  # P01 + P03
    "funds_in_place": D("5.2500"),                             # P01 3 + P07 2 + P03 0.25
    "manufacturing_funds": D("5.0000"),                        # P01 3 + P07 2
}
REGION_B = {
    "signed_count": 3, "signed_amount": D("7.4999"),           # P04 P05 P08: 4.9999 + 0.5 + 2
    "manufacturing_count": 1, "manufacturing_amount": D("4.9999"),
    "started_count": 1, "production_count": 0, "top500_projects": 2,
    "over10_count": 0, "over10_amount": D("0.0000"), "over5_count": 0, "over5_amount": D("0.0000"),
    "resident_signed_count": 1, "resident_signed_amount": D("0.5000"),
    "funds_in_place": D("0.3500"),                             # P10 0.25 + P05 0.1
    "manufacturing_funds": D("0.2500"),
}
CHAIN_J = {
    "signed_count": 4, "signed_amount": D("17.5000"),          # P02 P04 P08 P09: 10 + 4.9999 + 2 + 0.5001
    "manufacturing_count": 2, "manufacturing_amount": D("14.9999"),
    "started_count": 1, "production_count": 0, "top500_projects": 2,
    "over10_count": 1, "over10_amount": D("10.0000"), "over5_count": 1, "over5_amount": D("10.0000"),
    "resident_signed_count": 0, "resident_signed_amount": D("0.0000"),
    "funds_in_place": D("0.0000"), "manufacturing_funds": D("0.0000"),
}
CHAIN_W = {
    "signed_count": 3, "signed_amount": D("17.5000"),          # P01 P03 P05: 12 + 5 + 0.5
    "manufacturing_count": 1, "manufacturing_amount": D("12.0000"),
    "started_count": 2, "production_count": 2, "top500_projects": 1,
    "over10_count": 1, "over10_amount": D("12.0000"), "over5_count": 2, "over5_amount": D("17.0000"),
    "resident_signed_count": 3, "resident_signed_amount": D("17.5000"),
    "funds_in_place": D("5.6000"), "manufacturing_funds": D("5.2500"),
}
MIN_1 = {  # contract_amount ≥ 1亿: P05 (0.5) and P09 (0.5001) drop out
    "signed_count": 5, "signed_amount": D("33.9999"),          # 12 + 10 + 5 + 4.9999 + 2
    "manufacturing_count": 3, "manufacturing_amount": D("26.9999"),
    "started_count": 2, "production_count": 2, "top500_projects": 3,
    "over10_count": 2, "over10_amount": D("22.0000"), "over5_count": 3, "over5_amount": D("27.0000"),
    "resident_signed_count": 2, "resident_signed_amount": D("17.0000"),
    "funds_in_place": D("5.5000"),                             # 5.6 − P05's 0.1
    "manufacturing_funds": D("5.2500"),
}
ORIGIN_IN_PROVINCE = {  # 省内: P02 P05 P09
    "signed_count": 3, "signed_amount": D("11.0001"),          # 10 + 0.5 + 0.5001
    "manufacturing_count": 1, "manufacturing_amount": D("10.0000"),
    "started_count": 2, "production_count": 0, "top500_projects": 0,
    "over10_count": 1, "over10_amount": D("10.0000"), "over5_count": 1, "over5_amount": D("10.0000"),
    "resident_signed_count": 1, "resident_signed_amount": D("0.5000"),
    "funds_in_place": D("0.1000"), "manufacturing_funds": D("0.0000"),
}
MANUFACTURING_ONLY = {  # P01 P02 P04 signed; P07 produced; funds of P01 P07 P10
    "signed_count": 3, "signed_amount": D("26.9999"),
    "manufacturing_count": 3, "manufacturing_amount": D("26.9999"),
    "started_count": 2, "production_count": 2, "top500_projects": 2,
    "over10_count": 2, "over10_amount": D("22.0000"), "over5_count": 2, "over5_amount": D("22.0000"),
    "resident_signed_count": 1, "resident_signed_amount": D("12.0000"),
    "funds_in_place": D("5.2500"), "manufacturing_funds": D("5.2500"),
}
A_AND_J = {  # P02 P09
    **ZERO,
    "signed_count": 2, "signed_amount": D("10.5001"),
    "manufacturing_count": 1, "manufacturing_amount": D("10.0000"),
    "started_count": 1, "over10_count": 1, "over10_amount": D("10.0000"),
    "over5_count": 1, "over5_amount": D("10.0000"),
}
# 2023-01 … 2023-06: P07 (8, signed 05-10, starts 08-01) and P10 (6, signed 02-01, started 03-01)
LAST_YEAR_CITY = {
    **ZERO,
    "signed_count": 2, "signed_amount": D("14.0000"),
    "manufacturing_count": 2, "manufacturing_amount": D("14.0000"),
    "started_count": 1, "top500_projects": 1, "over5_count": 2, "over5_amount": D("14.0000"),
    "resident_signed_count": 1, "resident_signed_amount": D("6.0000"),
    "funds_in_place": D("3.5000"), "manufacturing_funds": D("3.5000"),
}


def both(conn, period, scope=Scope(), group_by=None):
    """The measures, after checking that the summary path and the raw path agree."""
    fact = measures(conn, period, scope, group_by=group_by, use_fact=True)
    raw = measures(conn, period, scope, group_by=group_by, use_fact=False)
    assert fact == raw
    return fact


def q6(value: Decimal) -> Decimal:
    return value.quantize(D("0.000001"))


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        a, b = region(conn, "甲县"), region(conn, "乙县")
        ids = {"A": a, "B": b, "W": chain_id(conn, "木材加工"), "J": chain_id(conn, "智能家电"),
               "city": city_id(conn)}
        W, J = "木材加工", "智能家电"
        p = {}
        p["P01"] = project(conn, a, "12.0000", d(2024, 1, 15), chain=W, manufacturing=True, start=d(2024, 3, 1),
                           production=d(2024, 5, 20), investor="华润集团", top500=True, channel="驻点招商",
                           stage="投产", code="P01")
        p["P02"] = project(conn, a, "10.0000", d(2024, 2, 10), chain=J, manufacturing=True, start=d(2024, 6, 30),
                           investor="精工科技", little_giant=True, origin="省内", stage="开工", code="P02")
        p["P03"] = project(conn, a, "5.0000", d(2024, 3, 5), chain=W, start=d(2024, 7, 1), origin="境外",
                           channel="驻点招商", code="P03")
        p["P04"] = project(conn, b, "4.9999", d(2024, 4, 18), chain=J, manufacturing=True, investor="华润集团",
                           top500=True, channel="推介会", code="P04")
        p["P05"] = project(conn, b, "0.5000", d(2024, 6, 30), chain=W, start=d(2024, 6, 30), origin="省内",
                           channel="驻点招商", stage="开工", code="P05")
        p["P06"] = project(conn, b, "3.2500", d(2024, 7, 1), chain=J, manufacturing=True, investor="联想集团",
                           top500=True, code="P06")
        p["P07"] = project(conn, a, "8.0000", d(2023, 5, 10), chain=W, manufacturing=True, start=d(2023, 8, 1),
                           production=d(2024, 2, 15), investor="海尔集团", top500=True, stage="投产", code="P07")
        p["P08"] = project(conn, b, "2.0000", d(2024, 5, 8), chain=J, investor="海尔集团", top500=True,
                           stage="终止", code="P08")
        p["P09"] = project(conn, a, "0.5001", d(2024, 3, 20), chain=J, investor="精工科技", little_giant=True,
                           origin="省内", code="P09")
        p["P10"] = project(conn, b, "6.0000", d(2023, 2, 1), chain=W, manufacturing=True, start=d(2023, 3, 1),
                           channel="驻点招商", stage="开工", code="P10")
        p["P11"] = project(conn, a, "3.0000", d(2023, 9, 1), chain=W, code="P11")
        p["P12"] = project(conn, a, None, None, chain=W, stage="在谈", code="P12")
        for code, year, month, amount in [("P01", 2024, 1, "1.0000"), ("P01", 2024, 3, "2.0000"),
                                          ("P01", 2024, 7, "4.0000"), ("P07", 2023, 10, "1.0000"),
                                          ("P07", 2024, 2, "1.5000"), ("P07", 2024, 6, "0.5000"),
                                          ("P03", 2024, 5, "0.2500"), ("P10", 2023, 6, "3.5000"),
                                          ("P10", 2024, 4, "0.2500"), ("P05", 2024, 6, "0.1000")]:
            funds(conn, p[code], year, month, amount)
        summarise(conn)
    with engine.connect() as conn:
        yield conn, ids


# ---------------------------------------------------------------- base measures, every scope

def test_whole_city(city):
    conn, _ = city
    assert both(conn, JUNE) == {None: CITY}


def test_amounts_are_exact_decimals_and_counts_ints(city):
    conn, _ = city
    m = both(conn, JUNE)[None]
    for name, spec in MEASURES.items():
        assert type(m[name]) is (Decimal if spec.kind == "amount" else int), name
    assert m["signed_amount"] == D("35.0000") and str(m["signed_amount"]) == "35.0000"


def test_last_year_window(city):
    conn, _ = city
    assert both(conn, LAST_JUNE) == {None: LAST_YEAR_CITY}


def test_full_last_year_counts_start_in_later_month_and_funds_of_autumn(city):
    conn, _ = city
    assert both(conn, Period(2023, 12)) == {None: {
        **LAST_YEAR_CITY,
        "signed_count": 3, "signed_amount": D("17.0000"),   # + P11 3 (2023-09-01)
        "started_count": 2,                                 # P07 started 2023-08-01 now counts
        "funds_in_place": D("4.5000"),                      # P10 3.5 + P07 1.0 (2023-10)
        "manufacturing_funds": D("4.5000"),
    }}


@pytest.mark.parametrize("scope_name, expected", [
    ("A", REGION_A), ("B", REGION_B), ("J", CHAIN_J), ("W", CHAIN_W), ("A+J", A_AND_J),
])
def test_region_and_chain_scopes(city, scope_name, expected):
    conn, ids = city
    scope = {"A": Scope(region_id=ids["A"]), "B": Scope(region_id=ids["B"]), "J": Scope(chain_id=ids["J"]),
             "W": Scope(chain_id=ids["W"]), "A+J": Scope(region_id=ids["A"], chain_id=ids["J"])}[scope_name]
    assert both(conn, JUNE, scope) == {None: expected}


def test_min_amount_scope(city):
    conn, _ = city
    assert both(conn, JUNE, Scope(min_amount=D("1"))) == {None: MIN_1}
    # the bound is inclusive: ≥ 5 keeps P03 (exactly 5) and drops P04 (4.9999)
    m = both(conn, JUNE, Scope(min_amount=D("5")))[None]
    assert (m["signed_count"], m["signed_amount"]) == (3, D("27.0000"))
    # ≥ 0.5 keeps P05 (exactly 0.5000): all seven; ≥ 0.5001 drops P05 only
    assert both(conn, JUNE, Scope(min_amount=D("0.5")))[None]["signed_count"] == 7
    m = both(conn, JUNE, Scope(min_amount=D("0.5001")))[None]
    assert (m["signed_count"], m["signed_amount"]) == (6, D("34.5000"))  # 35 − 0.5


def test_origin_scope(city):
    conn, _ = city
    assert both(conn, JUNE, Scope(origin="省内")) == {None: ORIGIN_IN_PROVINCE}
    m = both(conn, JUNE, Scope(origin="境外"))[None]
    assert (m["signed_count"], m["signed_amount"], m["funds_in_place"]) == (1, D("5.0000"), D("0.2500"))


def test_manufacturing_only_scope(city):
    conn, _ = city
    assert both(conn, JUNE, Scope(manufacturing_only=True)) == {None: MANUFACTURING_ONLY}


def test_group_by_region(city):
    conn, ids = city
    assert both(conn, JUNE, group_by="region") == {ids["A"]: REGION_A, ids["B"]: REGION_B}


def test_group_by_chain(city):
    conn, ids = city
    assert both(conn, JUNE, group_by="chain") == {ids["W"]: CHAIN_W, ids["J"]: CHAIN_J}


def test_group_by_with_scopes(city):
    conn, ids = city
    by_region = both(conn, JUNE, Scope(chain_id=ids["J"]), group_by="region")
    assert by_region[ids["A"]] == A_AND_J
    assert set(by_region) == {ids["A"], ids["B"]}
    # B ∩ J: P04 4.9999 (mfg, 500强) + P08 2 (500强)
    assert (by_region[ids["B"]]["signed_count"], by_region[ids["B"]]["signed_amount"],
            by_region[ids["B"]]["top500_projects"]) == (2, D("6.9999"), 2)

    by_region_min = both(conn, JUNE, Scope(min_amount=D("1")), group_by="region")
    assert (by_region_min[ids["A"]]["signed_count"], by_region_min[ids["A"]]["signed_amount"]) == (3, D("27.0000"))
    assert (by_region_min[ids["B"]]["signed_count"], by_region_min[ids["B"]]["signed_amount"]) == (2, D("6.9999"))
    # B's funds: P10 0.25 only (P05 is below 1亿)
    assert by_region_min[ids["B"]]["funds_in_place"] == D("0.2500")

    by_chain = both(conn, JUNE, Scope(region_id=ids["B"]), group_by="chain")
    assert set(by_chain) == {ids["W"], ids["J"]}
    # B ∩ W: P05 0.5 signed, funds P10 0.25 + P05 0.1
    assert (by_chain[ids["W"]]["signed_count"], by_chain[ids["W"]]["signed_amount"],
            by_chain[ids["W"]]["funds_in_place"]) == (1, D("0.5000"), D("0.3500"))

    by_chain_origin = both(conn, JUNE, Scope(origin="省内"), group_by="chain")
    # 省内 ∩ J: P02 10 + P09 0.5001; 省内 ∩ W: P05 0.5
    assert by_chain_origin[ids["J"]]["signed_amount"] == D("10.5001")
    assert by_chain_origin[ids["W"]]["signed_amount"] == D("0.5000")

    by_region_mfg = both(conn, JUNE, Scope(manufacturing_only=True), group_by="region")
    # A: P01 12 + P02 10; B: P04 4.9999
    assert by_region_mfg[ids["A"]]["signed_amount"] == D("22.0000")
    assert by_region_mfg[ids["B"]]["signed_amount"] == D("4.9999")


# ---------------------------------------------------------------- overview (derived figures)

def add_city_targets_and_activity(conn, ids):
    c = ids["city"]
    target(conn, 2024, c, "签约项目数", 10)
    target(conn, 2024, c, "合同投资额", 50)
    target(conn, 2024, c, "到位资金", 20)
    target(conn, 2024, c, "制造业占比", 70)
    target(conn, 2024, c, "驻点签约额", 25)
    target(conn, 2024, ids["A"], "合同投资额", 30)
    target(conn, 2023, c, "合同投资额", 1)  # another year's target must not be used
    conn.execute(insert(ResidentActivity), [
        dict(team="上海驻点", region_id=ids["A"], year=2024, month=3, contacted=10, visited=4,
             intended_count=2, intended_amount=D("3.5000")),
        dict(team="深圳驻点", region_id=ids["B"], year=2024, month=5, contacted=6, visited=2,
             intended_count=1, intended_amount=D("1.2500")),
        dict(team="上海驻点", region_id=ids["A"], year=2024, month=7, contacted=100, visited=50,
             intended_count=9, intended_amount=D("9.0000")),  # after June
        dict(team="北京驻点", region_id=ids["B"], year=2023, month=5, contacted=70, visited=30,
             intended_count=8, intended_amount=D("8.0000")),  # last year
    ])


def test_overview_whole_city(city, engine):
    _, ids = city
    with engine.begin() as conn:
        add_city_targets_and_activity(conn, ids)
    with engine.connect() as conn:
        both(conn, JUNE)
        both(conn, LAST_JUNE)
        o = overview(conn, JUNE)
    assert o["period"] == "2024-06" and o["region"] == "全市"
    assert o["time_progress_pct"] == D("50")                      # 6 ÷ 12 × 100

    assert o["signed_count"] == 7
    assert o["signed_count_target"] == D("10")
    assert o["signed_count_completion_pct"] == D("70")            # 7 ÷ 10
    assert o["signed_count_yoy_pct"] == D("250")                  # (7 − 2) ÷ 2

    assert o["signed_amount"] == D("35.0000")
    assert o["signed_amount_target"] == D("50")
    assert o["signed_amount_completion_pct"] == D("70")           # 35 ÷ 50
    assert o["signed_amount_yoy_pct"] == D("150")                 # (35 − 14) ÷ 14

    assert o["manufacturing_count"] == 3
    assert o["manufacturing_amount"] == D("26.9999")
    assert q6(o["manufacturing_share_pct"]) == D("77.142571")     # 26.9999 ÷ 35 = 0.77142571…
    assert o["manufacturing_share_target_pct"] == D("70")
    assert q6(o["manufacturing_share_diff_pp"]) == D("7.142571")  # 77.142571… − 70
    assert rounded(o["manufacturing_share_pct"]) == 77.14
    assert rounded(o["manufacturing_share_diff_pp"]) == 7.14

    assert o["funds_in_place"] == D("5.6000")
    assert o["funds_target"] == D("20")
    assert o["funds_completion_pct"] == D("28")                   # 5.6 ÷ 20
    assert o["funds_yoy_pct"] == D("60")                          # (5.6 − 3.5) ÷ 3.5
    assert o["manufacturing_funds"] == D("5.2500")
    assert o["manufacturing_funds_share_pct"] == D("93.75")       # 5.25 ÷ 5.6

    assert o["started_count"] == 3
    assert q6(o["start_rate_pct"]) == D("42.857143")              # 3 ÷ 7
    assert rounded(o["start_rate_pct"]) == 42.86
    assert o["production_count"] == 2
    assert o["funds_arrival_rate_pct"] == D("16")                 # 5.6 ÷ 35

    assert (o["projects_over_10yi_count"], o["projects_over_10yi_amount"]) == (2, D("22.0000"))
    assert (o["projects_over_5yi_count"], o["projects_over_5yi_amount"]) == (3, D("27.0000"))
    assert o["top500_projects"] == 3
    # 华润集团 first signed P01 in the window (P04 is its second project); 海尔集团's first was 2023;
    # 联想集团 signed after June
    assert o["top500_enterprises_new"] == 1
    # 精工科技: P02 and P09 both in the window, one enterprise
    assert o["little_giant_enterprises_new"] == 1

    assert o["resident_signed_count"] == 3
    assert o["resident_signed_amount"] == D("17.5000")
    assert o["resident"] == {
        "contacted": 16, "visited": 6,                  # 10 + 6, 4 + 2 (July and 2023 left out)
        "intended_projects": 3, "intended_amount": D("4.7500"),  # 2 + 1, 3.5 + 1.25
        "visit_rate_pct": D("37.5"),                     # 6 ÷ 16
        "signed_count": 3, "signed_amount": D("17.5000"),
        "signed_target": D("25"),
        "completion_pct": D("70"),                       # 17.5 ÷ 25
    }


def test_overview_region(city, engine):
    _, ids = city
    with engine.begin() as conn:
        add_city_targets_and_activity(conn, ids)
    with engine.connect() as conn:
        scope = Scope(region_id=ids["A"])
        both(conn, JUNE, scope)
        both(conn, LAST_JUNE, scope)
        o = overview(conn, JUNE, scope)
        ob = overview(conn, JUNE, Scope(region_id=ids["B"]))
    assert o["region"] == "甲县"
    assert o["signed_amount"] == D("27.5001")
    assert o["signed_amount_target"] == D("30")
    assert q6(o["signed_amount_completion_pct"]) == D("91.667000")   # 27.5001 ÷ 30
    assert o["signed_count_target"] is None and o["signed_count_completion_pct"] is None
    assert o["signed_count_yoy_pct"] == D("300")                     # (4 − 1) ÷ 1; last year P07 only
    assert o["signed_amount_yoy_pct"] == D("243.75125")              # (27.5001 − 8) ÷ 8
    assert o["funds_yoy_pct"] is None                                # A had no funds in 2023-01…06
    assert o["manufacturing_share_target_pct"] is None and o["manufacturing_share_diff_pp"] is None
    assert q6(o["manufacturing_share_pct"]) == D("79.999709")        # 22 ÷ 27.5001
    assert q6(o["manufacturing_funds_share_pct"]) == D("95.238095")  # 5 ÷ 5.25
    assert o["start_rate_pct"] == D("50")                            # 2 ÷ 4
    assert o["top500_enterprises_new"] == 1 and o["little_giant_enterprises_new"] == 1
    assert o["resident"] == {
        "contacted": 10, "visited": 4, "intended_projects": 2, "intended_amount": D("3.5000"),
        "visit_rate_pct": D("40"), "signed_count": 2, "signed_amount": D("17.0000"),
        "signed_target": None, "completion_pct": None,
    }
    # B: 华润集团's B project P04 is not its first; no 小巨人 in B
    assert ob["top500_enterprises_new"] == 0 and ob["little_giant_enterprises_new"] == 0
    assert ob["top500_projects"] == 2
    assert ob["signed_count_yoy_pct"] == D("200")                    # (3 − 1) ÷ 1; last year P10
    assert q6(ob["resident"]["visit_rate_pct"]) == D("33.333333")       # 2 ÷ 6


def test_overview_other_scopes_use_no_targets(city, engine):
    _, ids = city
    with engine.begin() as conn:
        add_city_targets_and_activity(conn, ids)
    with engine.connect() as conn:
        for scope in (Scope(chain_id=ids["J"]), Scope(min_amount=D("1")), Scope(origin="省内"),
                      Scope(manufacturing_only=True)):
            both(conn, LAST_JUNE, scope)
        oj = overview(conn, JUNE, Scope(chain_id=ids["J"]))
        om = overview(conn, JUNE, Scope(min_amount=D("1")))
        oo = overview(conn, JUNE, Scope(origin="省内"))
        omf = overview(conn, JUNE, Scope(manufacturing_only=True))
    for o in (oj, om, oo, omf):
        assert o["signed_amount_target"] is None and o["signed_amount_completion_pct"] is None
        assert o["resident"]["signed_target"] is None
    assert oj["signed_amount"] == D("17.5000")
    assert oj["signed_amount_yoy_pct"] is None                        # no J project last year
    assert oj["top500_enterprises_new"] == 0                          # P04's 华润集团 began with P01
    assert oj["little_giant_enterprises_new"] == 1                    # 精工科技 (P02)
    assert q6(oj["manufacturing_share_pct"]) == D("85.713714")        # 14.9999 ÷ 17.5

    assert om["signed_amount"] == D("33.9999")
    assert q6(om["signed_amount_yoy_pct"]) == D("142.856429")         # (33.9999 − 14) ÷ 14
    assert om["top500_enterprises_new"] == 1

    assert oo["signed_amount"] == D("11.0001")
    assert oo["little_giant_enterprises_new"] == 1 and oo["top500_enterprises_new"] == 0
    assert q6(oo["funds_arrival_rate_pct"]) == D("0.909083")          # 0.1 ÷ 11.0001

    assert omf["signed_amount"] == D("26.9999")
    assert omf["manufacturing_share_pct"] == D("100")
    assert q6(omf["signed_amount_yoy_pct"]) == D("92.856429")         # (26.9999 − 14) ÷ 14
    assert omf["little_giant_enterprises_new"] == 1                   # P02 is manufacturing


def test_yoy_decrease(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        x = project(conn, a, "4.0000", d(2023, 1, 10), code="X1")
        project(conn, a, "6.0000", d(2023, 3, 31), code="X2")
        y = project(conn, a, "7.5000", d(2024, 2, 29), code="Y1")
        project(conn, a, "9.0000", d(2024, 4, 1), code="Y2")  # after March
        funds(conn, x, 2023, 2, "2.0000")
        funds(conn, y, 2024, 3, "1.5000")
        summarise(conn)
    with engine.connect() as conn:
        both(conn, Period(2024, 3))
        both(conn, Period(2023, 3))
        o = overview(conn, Period(2024, 3))
    assert o["signed_count_yoy_pct"] == D("-50")       # (1 − 2) ÷ 2
    assert o["signed_amount_yoy_pct"] == D("-25")      # (7.5 − 10) ÷ 10
    assert o["funds_yoy_pct"] == D("-25")              # (1.5 − 2) ÷ 2
    assert o["time_progress_pct"] == D("25")           # 3 ÷ 12


# ---------------------------------------------------------------- drill-down

def codes(rows):
    return [r["code"] for r in rows]


def total(rows, key="contract_amount"):
    return sum((D(str(r[key])) for r in rows), D(0)).quantize(D("0.0001"))


EXPECTED_ROWS = {  # Scope(), 2024-06: the project codes, largest amount first
    "signed_count": ["P01", "P02", "P03", "P04", "P08", "P09", "P05"],
    "manufacturing_count": ["P01", "P02", "P04"],
    "started_count": ["P01", "P02", "P05"],
    "production_count": ["P01", "P07"],
    "top500_projects": ["P01", "P04", "P08"],
    "over10_count": ["P01", "P02"],
    "over5_count": ["P01", "P02", "P03"],
    "resident_signed_count": ["P01", "P03", "P05"],
}


@pytest.mark.parametrize("name", sorted(MEASURES))
def test_drill_down_city(city, name):
    conn, _ = city
    figure = both(conn, JUNE)[None][name]
    rows = drill_down(conn, name, JUNE)
    spec = MEASURES[name]
    if spec.source == "funds":
        # funds rows carry their own funds; largest first
        expected = {"funds_in_place": [("P01", D("3.0000")), ("P07", D("2.0000")), ("P03", D("0.2500")),
                                       ("P10", D("0.2500")), ("P05", D("0.1000"))],
                    "manufacturing_funds": [("P01", D("3.0000")), ("P07", D("2.0000")), ("P10", D("0.2500"))]}[name]
        assert [(r["code"], r["funds"]) for r in rows] == expected
        assert total(rows, "funds") == figure
        return
    key = name.replace("_amount", "_count")
    assert codes(rows) == EXPECTED_ROWS[key]
    if spec.kind == "count":
        assert len(rows) == figure
    else:
        assert total(rows) == figure


def test_drill_down_rows_carry_project_columns(city):
    conn, _ = city
    rows = drill_down(conn, "signed_count", JUNE)
    p08 = next(r for r in rows if r["code"] == "P08")
    assert (p08["region"], p08["chain"], p08["stage"], p08["sign_date"], p08["investor"]) == \
           ("乙县", "智能家电", "终止", d(2024, 5, 8), "海尔集团")
    assert D(str(p08["contract_amount"])) == D("2.0000")


def test_drill_down_new_enterprises(city):
    conn, ids = city
    assert codes(drill_down(conn, "top500_enterprises_new", JUNE)) == ["P01"]
    assert codes(drill_down(conn, "little_giant_enterprises_new", JUNE)) == ["P02"]
    assert drill_down(conn, "top500_enterprises_new", JUNE, Scope(region_id=ids["B"])) == []
    # through December: 联想集团 (P06, 2024-07-01) becomes new too
    assert codes(drill_down(conn, "top500_enterprises_new", Period(2024, 12))) == ["P01", "P06"]
    assert overview(conn, Period(2024, 12))["top500_enterprises_new"] == 2


@pytest.mark.parametrize("scope_name", ["A", "B", "J", "min1", "origin", "mfg"])
def test_drill_down_scoped_totals_match(city, scope_name):
    conn, ids = city
    scope, signed, funded = {
        "A": (Scope(region_id=ids["A"]), ["P01", "P02", "P03", "P09"], ["P01", "P07", "P03"]),
        "B": (Scope(region_id=ids["B"]), ["P04", "P08", "P05"], ["P10", "P05"]),
        "J": (Scope(chain_id=ids["J"]), ["P02", "P04", "P08", "P09"], []),
        "min1": (Scope(min_amount=D("1")), ["P01", "P02", "P03", "P04", "P08"], ["P01", "P07", "P03", "P10"]),
        "origin": (Scope(origin="省内"), ["P02", "P09", "P05"], ["P05"]),
        "mfg": (Scope(manufacturing_only=True), ["P01", "P02", "P04"], ["P01", "P07", "P10"]),
    }[scope_name]
    m = both(conn, JUNE, scope)[None]
    rows = drill_down(conn, "signed_amount", JUNE, scope)
    assert codes(rows) == signed
    assert total(rows) == m["signed_amount"]
    assert len(drill_down(conn, "signed_count", JUNE, scope)) == m["signed_count"]
    frows = drill_down(conn, "funds_in_place", JUNE, scope)
    assert codes(frows) == funded
    assert total(frows, "funds") == m["funds_in_place"]
    for name in MEASURES:
        rows = drill_down(conn, name, JUNE, scope)
        if MEASURES[name].source == "funds":
            assert total(rows, "funds") == m[name], name
        elif MEASURES[name].kind == "count":
            assert len(rows) == m[name], name
        else:
            assert total(rows) == m[name], name


def test_enterprise_tagged_only_on_a_later_project_counts_as_new(engine):
    """The tag belongs to the enterprise: tagged on its second project, it is still a new 500强."""
    with engine.begin() as conn:
        rid = region(conn, "甲县")
        first = project(conn, rid, 2, dt.date(2023, 2, 1), investor="某集团", code="E-1")
        project(conn, rid, 3, dt.date(2023, 4, 1), investor="某集团", top500=True, code="E-2")
        summarise(conn)
    with engine.connect() as conn:
        assert new_enterprises(conn, Period(2023, 5), Scope(), "is_top500") == 1
        assert [r["id"] for r in drill_down(conn, "top500_enterprises_new", Period(2023, 5))] == [first]
        assert new_enterprises(conn, Period(2023, 5), Scope(), "is_little_giant") == 0
