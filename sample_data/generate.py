"""Generate demo upload workbooks (the full-city monthly ledger) for the fictional city 演示市.

One workbook per year: the two previous full years and the current year to date, each with the
sheets 项目台账 (with the 签约活动 some projects were signed at), 到位资金明细, 年度目标, 驻点招商, 问题台账 and
招商活动 in the upload template format.
All figures are random but reproducible: a fixed seed drives random.Random, amounts are built
as integer hundredths of 亿元 (funds: ten-thousandths), and the files carry fixed timestamps.

Run: python -m sample_data.generate [--year 2026 --month 10]
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import io
import json
import math
import random
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.xml.functions import tostring

SEED = 20260131
CITY = "演示市"
REGIONS = [("临江区", "区", ["临江"]), ("城东区", "区", ["城东"]), ("青山县", "县", ["青山"]),
           ("河口县", "县", ["河口"]), ("云溪县", "县", ["云溪"]), ("安平市", "县级市", ["安平"]),
           ("经开区", "开发区", ["经济技术开发区", "经开"])]
CHAINS = ["木材加工", "新能源电动车", "智能家电", "纺织服装", "生物医药", "其他"]
REGION_WEIGHT = [0.18, 0.15, 0.12, 0.10, 0.09, 0.14, 0.22]
# current-year pace against plan (1.0 = exactly on time progress) -> 红黄蓝 warnings differ by region
PACE = [1.10, 1.03, 0.94, 0.82, 0.95, 0.78, 1.06]
CHAIN_WEIGHT = [15, 20, 20, 15, 10, 20]
BASE_COUNT = 270  # projects signed in the first written year; about +10 % a year
MEAN_AMOUNT = 135  # mean contract amount per project, hundredths of 亿元
CHANNELS = [("驻点招商", 25), ("以商招商", 22), ("推介会", 15), ("中介招商", 13), ("领导带头", 12), ("其他", 13)]
ORIGINS = [("省外", 60), ("省内", 35), ("境外", 5)]
PLACES = {"省外": ["浙江", "江苏", "广东", "深圳", "上海", "北京", "福建", "山东", "安徽", "湖北", "四川"],
          "省内": ["江州", "南岭", "清源", "云岗", "演示市"], "境外": ["香港", "新加坡", "德国", "日本", "韩国"]}
SYLLABLES = "华创恒瑞鑫源嘉宏远兴泰达博盛德利通宇晨辉锦凯腾顺丰海天誉星汇佳诚润安盈科卓越力新"
ENT_WORDS = [["木业", "家居", "林产"], ["新能源", "电动车", "动力科技"], ["电器", "智能科技", "电子"],
             ["纺织", "服饰", "织造"], ["生物科技", "医药", "医疗器械"], ["实业", "供应链", "食品", "建材"]]
PRODUCTS = [  # per chain: "manufactured product/unit ...", "non-manufacturing project ..."
    ("生态板/张 实木家具/套 木门/樘 胶合板/立方米 定制家居/套 木地板/平方米", "木材交易市场 家居建材展销中心"),
    ("电动车整车/辆 电动车电机/台 锂电池电芯/组 电动车控制器/套 充电桩/台", "新能源汽车销售服务中心 电动车检测中心"),
    ("智能家电零部件/套 空调压缩机/台 小家电/台 智能厨电/台 家电注塑件/件", "家电研发中心 家电电商产业园"),
    ("高档面料/米 服装/件 针织内衣/件 功能性纤维/吨 家纺用品/套", "服装电商直播基地 纺织品交易中心"),
    ("原料药/吨 医疗器械/台 中药饮片/吨 医用耗材/件 保健食品/吨", "医药研发中心 医药冷链物流中心"),
    ("新型建材/吨 食品/吨 包装材料/吨 电子元器件/只",
     "商贸物流园 文旅康养综合体 总部经济大厦 冷链物流中心 数字经济产业园 农产品加工交易中心"),
]
TAGS = ["世界500强", "中国500强", "民营500强", "专精特新小巨人", "独角兽", "瞪羚", "上市公司"]
CITY_LEADERS = ["张副市长", "李副市长", "王副市长", "刘副市长"]
SURNAMES = "陈杨赵黄周吴徐孙马朱胡郭何林罗"
LEADER_TITLE = {"区": "副区长", "县": "副县长", "县级市": "副市长", "开发区": "副主任"}
NOTES = ["省重点项目", "市重点项目", "已供地", "正在办理施工许可", "需协调用地指标", "已纳入省大项目库"]
TEAMS = [("长三角驻点工作队", "全市"), ("珠三角驻点工作队", "经开区"), ("京津冀驻点工作队", "临江区"),
         ("成渝驻点工作队", "青山县"), ("粤港澳驻点工作队", "安平市")]
PROBLEMS = [line.split(":") for line in (  # description:responsible unit
    "用地指标尚未落实:市自然资源局 用电增容审批:供电公司 环评手续办理:市生态环境局 施工许可办理:市住房和城乡建设局 "
    "招工用工困难:市人力资源和社会保障局 融资贷款需求:市金融工作局 配套道路建设滞后:市交通运输局 "
    "天然气管网接入:市城市管理局 厂房租金补贴兑现:市投资促进局 能评手续办理:市发展和改革委员会").split()]
SHEETS = {
    "项目台账": ["项目编号", "项目名称", "县区", "产业链", "投资方", "企业标签", "是否制造业", "投资来源", "招商方式",
             "项目阶段", "签约日期", "合同投资额(亿元)", "开工日期", "投产日期", "计划投产日期", "本月到位资金(亿元)",
             "包抓领导", "签约活动", "备注"],
    "到位资金明细": ["项目编号", "县区", "项目名称", "年份", "月份", "到位资金(亿元)"],
    "年度目标": ["年度", "县区", "指标", "目标值"],
    "驻点招商": ["工作队", "县区", "年份", "月份", "对接企业数", "考察回访企业数", "意向项目数", "意向投资额(亿元)"],
    "问题台账": ["企业名称", "项目编号", "县区", "问题描述", "提出日期", "责任单位", "办理状态", "办结日期"],
    "招商活动": ["日期", "县区", "领导", "活动类型", "对接企业", "企业标签", "地点", "活动名称", "解决问题数", "备注"],
}
# the events (推介会, 洽谈会…) of each year; a third of the 亿元 projects are signed at one of them
EVENTS = [f"{CITY}·深圳招商引资推介会", f"{CITY}·上海产业链招商洽谈会", "粤港澳大湾区投资合作对接会"]
EVENT_PLACES = ["深圳", "上海", "广州"]
ACTIVITY_MIX = [("对接洽谈", 40), ("外出招商", 15), ("接待考察", 15), ("项目协调会", 12), ("企业调研", 12),
                ("工作会议", 6)]
FIXED_TIME = dt.datetime(2026, 1, 1)
DAY = dt.timedelta(days=1)


@dataclass
class Project:
    region: int
    chain: int
    ent: dict
    manuf: bool
    name: str
    amount: int | None  # hundredths of 亿元
    channel: str
    leader: str | None
    note: str | None
    talk: dt.date | None = None
    sign: dt.date | None = None
    start: dt.date | None = None
    prod: dt.date | None = None
    plan: dt.date | None = None
    term: dt.date | None = None
    show_intent: bool = True
    code: str = ""
    funds: dict = field(default_factory=dict)  # (year, month) -> ten-thousandths of 亿元

    def stage(self, d: dt.date) -> str:
        for stage, when in (("终止", self.term), ("投产", self.prod), ("开工", self.start), ("签约", self.sign)):
            if when and when <= d:
                return stage
        return "在谈"


def pick(rng: random.Random, weighted):
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def rand_day(rng, first: dt.date, last: dt.date) -> dt.date:
    return first + rng.randint(0, max(0, (last - first).days)) * DAY


def split(rng, total: int, n: int, minimum: int) -> list[int]:
    weights = [rng.uniform(0.3, 1.7) for _ in range(n)]
    parts = [max(minimum, int(total * w / sum(weights))) for w in weights]
    parts[0] = max(minimum, parts[0] + total - sum(parts))
    return parts


class Simulation:
    """All projects of 演示市 from two years before the first workbook to the current period end."""

    def __init__(self, current_year: int, through_month: int):
        self.rng, self.y0, self.cy, self.cm = random.Random(SEED), current_year - 2, current_year, through_month
        self.enterprises: dict[int, list[dict]] = {i: [] for i in range(len(CHAINS))}
        self.names: set[str] = set()
        self.leaders = [[f"{s}{LEADER_TITLE[k]}" for s in self.rng.sample(SURNAMES, 2)] for _, k, _ in REGIONS]
        self.projects: list[Project] = []
        for y in range(self.y0 - 2, current_year + 1):
            self._sign_year(y)
            for _ in range(0 if y < self.y0 else 12 if y < current_year else 30):  # only in talks
                p = self._project(self.rng.choices(range(len(REGIONS)), REGION_WEIGHT)[0])
                p.talk = rand_day(self.rng, dt.date(y, 1, 1), self.period_end(y))
                p.show_intent = self.rng.random() < 0.6
                self.projects.append(p)
        self.projects.sort(key=lambda p: p.talk or p.sign)
        seq: dict[int, int] = {}
        for p in self.projects:
            year = (p.talk or p.sign).year
            seq[year] = seq.get(year, 0) + 1
            p.code = f"YS-{year}-{seq[year]:04d}"

    def period_end(self, y: int) -> dt.date:
        m = self.cm if y == self.cy else 12
        return dt.date(y, m, calendar.monthrange(y, m)[1])

    def _enterprise(self, chain: int) -> dict:
        rng, pool = self.rng, self.enterprises[chain]
        if pool and rng.random() < 0.12:
            return rng.choice(pool)
        origin = pick(rng, ORIGINS)
        while True:
            short = "".join(rng.sample(SYLLABLES, 2))
            name = rng.choice(PLACES[origin]) + short + rng.choice(ENT_WORDS[chain]) + pick(
                rng, [("有限公司", 6), ("股份有限公司", 2), ("集团有限公司", 1)])
            if name not in self.names:
                break
        self.names.add(name)
        r, tags = rng.random(), set()
        if r < 0.035:
            tags.add(TAGS[0] if r < 0.01 else TAGS[1] if r < 0.02 else TAGS[2])
        for tag, p in (("专精特新小巨人", 0.05), ("独角兽", 0.015), ("瞪羚", 0.03)):
            if rng.random() < p:
                tags.add(tag)
        if rng.random() < (0.7 if r < 0.035 else 0.06):
            tags.add("上市公司")
        ent = dict(name=name, short=short, origin=origin, tags="、".join(t for t in TAGS if t in tags) or None)
        pool.append(ent)
        return ent

    def _project(self, region: int) -> Project:
        rng = self.rng
        chain = rng.choices(range(len(CHAINS)), CHAIN_WEIGHT)[0]
        ent = self._enterprise(chain)
        manuf = rng.random() < (0.3 if CHAINS[chain] == "其他" else 0.85)
        goods, services = (text.split() for text in PRODUCTS[chain])
        if manuf:
            product, unit = rng.choice(goods).split("/")
            size = rng.choice([1, 2, 3, 5, 10] if unit == "吨" else [5, 10, 20, 30, 50, 100, 200])
            name = rng.choice([f"年产{size}万{unit}{product}项目", f"{product}生产基地项目",
                               f"{ent['short']}{product}制造项目", f"{product}生产线建设项目"])
        else:
            name = rng.choice([f"{rng.choice(services)}项目", f"{ent['short']}{rng.choice(services)}项目"])
        big = rng.random() < (0.5 if "500强" in (ent["tags"] or "") else 0.05)  # log-normal mix, a few giants
        amount = min(5000, max(5, round(math.exp(rng.gauss(math.log(6 if big else 0.9), 0.6 if big else 0.7)) * 100)))
        leader = rng.choice(CITY_LEADERS) if amount >= 500 else rng.choice(self.leaders[region])
        note = rng.choice(NOTES) if rng.random() < 0.1 else None
        return Project(region, chain, ent, manuf, name, amount, pick(rng, CHANNELS), leader, note)

    def _sign_year(self, y: int) -> None:
        rng, first, last, batch = self.rng, dt.date(y, 1, 1), self.period_end(y), []
        for r in range(len(REGIONS)):
            factor = PACE[r] * self.cm / 12 if y == self.cy else rng.uniform(0.93, 1.07)
            count = round(BASE_COUNT * 1.1 ** (y - self.y0) * REGION_WEIGHT[r] * factor)
            batch += [self._project(r) for _ in range(count)]
        # rescale so a few huge projects cannot swing the annual total (keeps growth near 10 % a year)
        scale = len(batch) * MEAN_AMOUNT * rng.uniform(0.97, 1.03) / sum(p.amount for p in batch)
        for p in batch:
            p.amount = min(5000, max(5, round(p.amount * scale)))
            p.sign = rand_day(rng, first, last)
            if rng.random() < 0.3:
                p.talk, p.show_intent = p.sign - rng.randint(30, 150) * DAY, rng.random() < 0.6
            self._lifecycle(p)
        self.projects += batch

    def _lifecycle(self, p: Project) -> None:
        rng = self.rng
        r = rng.random()  # delay to start: some stay unstarted past 3 and 6 months, a few never start
        delay = rng.randint(10, 90) if r < 0.55 else rng.randint(91, 180) if r < 0.83 else \
            rng.randint(181, 365) if r < 0.95 else None
        if delay is None or rng.random() < 0.03:
            p.term = p.sign + rng.randint(60, 540 if delay is None else 330) * DAY
        else:
            p.start = p.sign + delay * DAY
            build = rng.randint(180, 540) * DAY
            if rng.random() < 0.5:
                p.plan = p.start + build
            if rng.random() < 0.97:
                p.prod = max(p.start + 30 * DAY, p.start + build + rng.randint(-30, 150) * DAY)
        fund_end = p.prod or p.term or (p.start or p.sign) + 540 * DAY
        months = [(y, m) for y in range(p.sign.year, fund_end.year + 1) for m in range(1, 13)
                  if (p.sign.year, p.sign.month) <= (y, m) <= (fund_end.year, fund_end.month)]
        chosen = [ym for ym in months if rng.random() < 0.55] or months[:1]
        total = p.amount * 100 * rng.randint(30, 80) // 100
        p.funds = dict(zip(chosen, split(rng, total, len(chosen), 10)))

    def ledger(self, y: int) -> list[Project]:
        start, end = dt.date(y, 1, 1), self.period_end(y)
        rows = [p for p in self.projects if
                (p.sign and start <= p.sign <= end)
                or (p.sign and p.sign < start and p.stage(start - DAY) in ("签约", "开工"))
                or (p.talk and start <= p.talk <= end and not (p.sign and p.sign <= end))]
        return sorted(rows, key=lambda p: (p.region, p.code))


def ledger_row(p: Project, end: dt.date) -> list:
    stage, m = p.stage(end), end.month
    shown = lambda d: d if d and d <= end else None
    amount = p.amount if stage != "在谈" or p.show_intent else None
    month_funds = p.funds.get((end.year, m)) if p.sign and p.sign <= end else None
    return [p.code, p.name, REGIONS[p.region][0], CHAINS[p.chain], p.ent["name"], p.ent["tags"],
            "是" if p.manuf else "否", p.ent["origin"], p.channel, stage, shown(p.sign),
            None if amount is None else amount / 100, shown(p.start), shown(p.prod),
            shown(p.plan) if shown(p.start) else None, None if month_funds is None else month_funds / 10000,
            p.leader if stage != "在谈" else None, event_of(p) if shown(p.sign) else None, p.note]


def event_of(p: Project) -> str | None:
    """The event a 亿元 project was signed at, for a third of them (by its code, so reruns agree)."""
    if not p.sign or (p.amount or 0) < 100 or zlib.crc32(p.code.encode()) % 3:
        return None
    return EVENTS[zlib.crc32(p.code.encode()) // 3 % len(EVENTS)]


def activities(sim: Simulation, y: int, ledger: list[Project]) -> list[list]:
    """Leaders' 招商活动 of year ``y`` through its period end: each event held (a 推介会 before its first
    signing), and talks, trips, visits, meetings with the ledger's enterprises. A random generator of
    its own, so the other sheets stay as they were."""
    rng, start, end = random.Random(SEED + y), dt.date(y, 1, 1), sim.period_end(y)
    rows = []
    for name, place in zip(EVENTS, EVENT_PLACES):
        signed = [p.sign for p in ledger if event_of(p) == name and p.sign and start <= p.sign <= end]
        if signed:
            rows.append([max(start, min(signed) - 2 * DAY), "全市", CITY_LEADERS[0], "推介会", None, None, place,
                         name, 0, None])
    enterprises = [p for p in ledger if p.sign and start <= p.sign <= end]
    for _ in range(12 * end.month):
        kind = pick(rng, ACTIVITY_MIX)
        region = rng.randrange(len(REGIONS) + 2)  # 全市 twice as often as a county
        where, leader = ("全市", rng.choice(CITY_LEADERS)) if region >= len(REGIONS) else \
            (REGIONS[region][0], rng.choice(sim.leaders[region]))
        meets = enterprises and kind in ("对接洽谈", "接待考察", "企业调研", "外出招商")
        p = rng.choice(enterprises) if meets else None
        solved = rng.randint(1, 4) if kind in ("项目协调会", "企业调研") else 0
        rows.append([rand_day(rng, start, end), where, leader, kind, p and p.ent["name"], p and p.ent["tags"],
                     p and rng.choice(PLACES[p.ent["origin"]]), None, solved, None])
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def targets(sim: Simulation, y: int) -> list[list]:
    rng, end = sim.rng, sim.period_end(y)
    months = end.month
    rows, city = [], {}
    for r, (region, _, _) in enumerate(REGIONS):
        signed = [p for p in sim.projects if p.region == r and p.sign and dt.date(y, 1, 1) <= p.sign <= end]
        actual = {"签约项目数": len(signed), "合同投资额": sum(p.amount for p in signed) / 100,
                  "到位资金": sum(v for p in sim.projects if p.region == r for (fy, fm), v in p.funds.items()
                              if fy == y and fm <= months) / 10000,
                  "驻点签约额": sum(p.amount for p in signed if p.channel == "驻点招商") / 100}
        for ind, value in actual.items():
            done = PACE[r] * months / 12 * rng.uniform(0.94, 1.06) if y == sim.cy else rng.uniform(0.9, 1.15)
            target = max(1, round(value / done)) if ind == "签约项目数" else max(1.0, round(value / done, 1))
            city[ind] = round(city.get(ind, 0) + target, 1)
            rows.append([y, region, ind, target])
        rows.append([y, region, "制造业占比", 66 + 2 * (y - sim.y0)])
    city["制造业占比"] = 66 + 2 * (y - sim.y0)
    indicators = ("签约项目数", "合同投资额", "到位资金", "制造业占比", "驻点签约额")
    return [[y, "全市", ind, city[ind]] for ind in indicators] + rows


def resident(sim: Simulation, y: int) -> list[list]:
    rng, rows = sim.rng, []
    for team, home in TEAMS:
        for m in range(1, sim.period_end(y).month + 1):
            contacted = rng.randint(8, 30)
            visited = rng.randint(contacted // 4, contacted * 3 // 5)
            intended = rng.randint(0, min(visited, 5))
            amount = sum(rng.randint(20, 300) for _ in range(intended))
            rows.append([team, home, y, m, contacted, visited, intended, amount / 100])
    return rows


def problems(sim: Simulation, y: int, ledger: list[Project]) -> list[list]:
    rng, start, end = sim.rng, dt.date(y, 1, 1), sim.period_end(y)
    rows = []
    candidates = [p for p in ledger if p.sign and p.sign <= end]
    for p in sorted(rng.sample(candidates, min(len(candidates), rng.randint(20, 40))), key=lambda p: p.code):
        desc, unit = rng.choice(PROBLEMS)
        raised = rand_day(rng, max(start, p.sign), end)
        old = (end - raised).days > 60
        status = pick(rng, [("已办结", 7 if old else 3), ("办理中", 2 if old else 4), ("待办", 1 if old else 3)])
        closed = raised + rng.randint(5, 90) * DAY if status == "已办结" else None
        if closed and closed > end:
            status, closed = "办理中", None
        rows.append([p.ent["name"], p.code, REGIONS[p.region][0], desc, raised, unit, status, closed])
    return rows


def add_sheet(wb: openpyxl.Workbook, title: str, rows: list[list]) -> None:
    ws = wb.create_sheet(title)
    header = SHEETS[title]
    ws.append(header)
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    for c, name in enumerate(header, 1):
        ws.cell(1, c).font = Font(bold=True)
        values = [name] + [r[c - 1] for r in rows[:300]]
        width = max(len(str(v)) + sum(ord(ch) > 127 for ch in str(v)) for v in values if v is not None)
        letter = ws.cell(1, c).column_letter
        ws.column_dimensions[letter].width = min(48, max(8, width + 2))
        fmt = "0.00" if "亿元" in name else "yyyy-mm-dd" if "日期" in name else None
        if fmt:
            ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width, 12)
            for (cell,) in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                cell.number_format = fmt


def save(wb: openpyxl.Workbook, path: Path) -> None:
    """Save with fixed timestamps (zip entries and document properties) so reruns are byte-identical."""
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl stamps "modified" with the current time; core.xml is rewritten below
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = "sample_data.generate"
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = tostring(wb.properties.to_tree()) if name == "docProps/core.xml" else src.read(name)
            dst.writestr(zipfile.ZipInfo(name, FIXED_TIME.timetuple()[:6]), data, compress_type=zipfile.ZIP_DEFLATED)


def write_workbooks(out_dir: Path, current_year: int, through_month: int) -> list[Path]:
    sim, paths = Simulation(current_year, through_month), []
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for y in range(current_year - 2, current_year + 1):
        end = sim.period_end(y)
        ledger = sim.ledger(y)
        funds = [[p.code, REGIONS[p.region][0], p.name, y, m, v / 10000]
                 for p in sorted(sim.projects, key=lambda p: p.code) if p.sign and p.sign <= end
                 for (fy, m), v in sorted(p.funds.items()) if fy == y and m < end.month]
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        add_sheet(wb, "项目台账", [ledger_row(p, end) for p in ledger])
        add_sheet(wb, "到位资金明细", funds)
        add_sheet(wb, "年度目标", targets(sim, y))
        add_sheet(wb, "驻点招商", resident(sim, y))
        add_sheet(wb, "问题台账", problems(sim, y, ledger))
        add_sheet(wb, "招商活动", activities(sim, y, ledger))
        path = Path(out_dir) / f"{CITY}_{y}年{end.month}月_全市台账.xlsx"
        save(wb, path)
        paths.append(path)
    return paths


# the demo city's counties as hexagonal cells (axial coordinates), the development zone in the middle
HEX_CELLS = [(-1, 0), (0, -1), (1, -1), (1, 0), (0, 1), (-1, 1), (0, 0)]
MAP_CENTRE, HEX_SIZE = (109.60, 23.10), 0.26  # degrees of longitude


def boundaries() -> dict:
    """A GeoJSON FeatureCollection of the demo regions: hexagons whose corners and edge midpoints are
    moved a little (the same way for neighbours, so the cells still meet), to look like counties."""
    def jitter(key: tuple, amount: float) -> tuple[float, float]:
        rng = random.Random(repr(key))
        return rng.uniform(-amount, amount), rng.uniform(-amount, amount)

    def corner(q: int, r: int, k: int) -> tuple[float, float]:
        cx, cy = HEX_SIZE * math.sqrt(3) * (q + r / 2), HEX_SIZE * 1.5 * r
        angle = math.radians(60 * k - 30)
        x, y = cx + HEX_SIZE * math.cos(angle), cy + HEX_SIZE * math.sin(angle)
        key = (round(x, 6), round(y, 6))
        dx, dy = jitter(key, HEX_SIZE * 0.12)
        return x + dx, y + dy

    def lonlat(x: float, y: float) -> list[float]:
        return [round(MAP_CENTRE[0] + x, 5), round(MAP_CENTRE[1] - y * 0.92, 5)]

    features = []
    for (name, _, _), (q, r) in zip(REGIONS, HEX_CELLS):
        corners = [corner(q, r, k) for k in range(6)]
        ring = []
        for a, b in zip(corners, corners[1:] + corners[:1]):
            key = tuple(sorted([(round(a[0], 6), round(a[1], 6)), (round(b[0], 6), round(b[1], 6))]))
            dx, dy = jitter(key, HEX_SIZE * 0.08)
            ring += [lonlat(*a), lonlat((a[0] + b[0]) / 2 + dx, (a[1] + b[1]) / 2 + dy)]
        features.append({"type": "Feature", "properties": {"name": name},
                         "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]}})
    return {"type": "FeatureCollection", "features": features}


def write_boundaries(out_dir: Path) -> Path:
    path = Path(out_dir) / f"{CITY}_县区边界.geojson"
    path.write_text(json.dumps(boundaries(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=f"Write the {CITY} demo workbooks into sample_data/.")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--month", type=int, default=10, choices=range(1, 13))
    args = parser.parse_args()
    out_dir = Path(__file__).resolve().parent
    for old in out_dir.glob(f"{CITY}_*.xlsx"):
        old.unlink()
    for path in write_workbooks(out_dir, args.year, args.month):
        print(path)
    print(write_boundaries(out_dir))


if __name__ == "__main__":
    main()
