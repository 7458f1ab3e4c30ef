"""Command line (SPEC §7): python cli.py COMMAND. Exit 0 success, 1 rejected input, 2 usage error."""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from decimal import Decimal
from pathlib import Path

from data_access import accounts, audit, db
from data_access.batches import kinds_text, list_batches, rollback_batch
from data_access.config import ConfigError, add_chain, add_region, chain_id, region_id
from data_access.importer import ImportRejected, import_workbook
from data_access.models import CITY_REGION, ORIGINS
from data_access.periods import has_projects
from labels import ACCOUNT_MSG, ATTEMPT_RESULTS, AUDIT_ACTIONS, BATCH_STATUS, PUSH_KINDS, REPORT_STATUS, ROLE_LABELS
from metrics.briefing import briefing
from metrics.figures import rounded
from metrics.period import Period, Scope


def _engine():
    engine = db.engine_for(None)
    db.upgrade(engine)
    with engine.connect() as conn:
        db.refresh(conn)  # the admin's thresholds and weights
    return engine


def cmd_init(args) -> int:
    engine = _engine()
    print("数据库已初始化到最新版本")
    if args.demo:
        from sample_data.load import ensure_demo_accounts, load_demo
        with engine.connect() as conn:
            loaded = has_projects(conn)
            demo = db.is_demo(conn)
        if loaded and not demo:
            print("数据库中已有项目数据,未载入演示数据")
            return 0
        for line in [] if loaded else load_demo(engine):
            print(line)
        for name, password, role, regions in ensure_demo_accounts(engine):
            print(f"演示账号:{name} / {password}({ROLE_LABELS[role]}{',' + '、'.join(regions) if regions else ''})")
    return 0


def cmd_region_add(args) -> int:
    with _engine().begin() as conn:
        add_region(conn, args.name, args.kind, tuple(args.alias or ()), actor="cli")
    print(f"已添加县区:{args.name}")
    return 0


def cmd_chain_add(args) -> int:
    with _engine().begin() as conn:
        add_chain(conn, args.name, actor="cli")
    print(f"已添加产业链:{args.name}")
    return 0


def cmd_import(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"找不到文件:{path}", file=sys.stderr)
        return 1
    period = Period.parse(args.period) if args.period else None
    engine = _engine()
    rights = {}
    if args.as_user:  # uploading on behalf of an account: its regions, and targets for admins only
        with engine.connect() as conn:
            account = accounts.get_account(conn, args.as_user)
        if account is None:
            print(ACCOUNT_MSG["no_user"].format(name=args.as_user), file=sys.stderr)
            return 1
        try:
            allowed, targets = accounts.upload_rights(account)
        except accounts.AccountError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        rights = {"allowed_regions": allowed, "targets_allowed": targets}
    try:
        result = import_workbook(engine, path.read_bytes(), path.name, period and period.year,
                                 period and period.month, args.region, user=args.as_user or "cli",
                                 dry_run=args.dry_run, **rights)
    except ImportRejected as exc:
        print(f"导入被拒绝,共{len(exc.problems)}处问题,未写入任何数据:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(result.summary())
    for line in result.gone_lines():
        print(line)
    return 0


def cmd_template(args) -> int:
    # imported here: openpyxl (with numpy) is a third of every other command's start-up
    from data_access import template
    with _engine().connect() as conn:
        Path(args.out).write_bytes(template.build_template(conn))
    print(f"模板已写入:{args.out}")
    return 0


def cmd_batches(args) -> int:
    with _engine().connect() as conn:
        rows = list_batches(conn, region_id(conn, args.region))
    if not rows:
        print("暂无导入批次")
    for r in rows:
        print(f"#{r['id']}\t{r['created_at']:%Y-%m-%d %H:%M}\t{r['uploaded_by']}\t{r['region'] or '全市'}\t"
              f"{r['year']}年{r['month']}月\t{kinds_text(r['kinds'])}\t{r['row_count']}行\t"
              f"{BATCH_STATUS[r['status']]}\t{r['file_name']}")
    return 0


def cmd_rollback(args) -> int:
    engine = _engine()
    if args.as_user:
        with engine.connect() as conn:
            account = accounts.get_account(conn, args.as_user)
        if account is None or account.disabled or not account.is_admin:
            print(f"只有管理员可以回滚批次(账号“{args.as_user}”不是在用的管理员)", file=sys.stderr)
            return 1
    try:
        reactivated = rollback_batch(engine, args.batch_id, user=args.as_user or "cli")
    except ImportRejected as exc:
        for problem in exc.problems:
            print(problem.message, file=sys.stderr)
        return 1
    print(f"批次 #{args.batch_id} 已回滚" + "".join(f";批次 #{b} 重新生效" for b in reactivated))
    return 0


def _read_password(args) -> str:
    """The new password: one line of stdin with --password-stdin, else typed twice at a prompt."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码:")
    if getpass.getpass("再次输入密码:") != first:
        raise accounts.AccountError(ACCOUNT_MSG["password_mismatch"])
    return first


def cmd_create_user(args) -> int:
    try:
        password = _read_password(args)
        with _engine().begin() as conn:
            account = accounts.create_user(conn, args.name, args.role, password, args.region or (), actor="cli")
    except accounts.AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    regions = f",负责县区:{'、'.join(account.regions)}" if account.regions else ""
    print(f"已创建账号:{account.name}({ROLE_LABELS[account.role]}{regions})")
    return 0


def cmd_audit(args) -> int:
    with _engine().connect() as conn:
        rows = audit.entries(conn, limit=args.limit, action=args.action, actor=args.user)
    if not rows:
        print("暂无审计记录")
    for r in rows:
        change = " → ".join(x for x in (audit.shown(r["before"]), audit.shown(r["after"])) if x)
        print("\t".join([f"{r['at']:%Y-%m-%d %H:%M:%S}", r["actor"], AUDIT_ACTIONS.get(r["action"], r["action"]),
                         r["target"] or "", change]))
    return 0


def _yi(text: str) -> Decimal:
    """An amount in 亿元 given on the command line (0.05 = 500万元)."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise argparse.ArgumentTypeError(f"“{text}”不是金额(亿元),如 0.05") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"“{text}”不是金额(亿元),如 0.05")
    return value


def _scope(conn, args) -> Scope:
    """The briefing's scope from its options: the same Scope as the pages' filters."""
    return Scope(region_id=region_id(conn, args.region), chain_id=chain_id(conn, args.chain),
                 min_amount=args.min_amount, origin=args.origin, manufacturing_only=args.manufacturing)


def cmd_briefing(args) -> int:
    period = Period.parse(args.period)
    if args.format in ("docx", "png"):
        if not args.out:
            print(f"--format {args.format} 需要用 --out 指定输出文件", file=sys.stderr)
            return 2
        from reports.content import gather
        from reports.images import FontMissing
        with _engine().connect() as conn:
            scope = _scope(conn, args)
            content = gather(conn, period, scope, args.region or CITY_REGION, with_counties=args.format == "docx")
        try:
            if args.format == "docx":
                from reports.word import briefing_docx
                Path(args.out).write_bytes(briefing_docx(content))
            else:
                from reports.png import briefing_png
                Path(args.out).write_bytes(briefing_png(content))
        except FontMissing as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(f"已生成 {args.out}")
        return 0
    with _engine().connect() as conn:
        data = rounded(briefing(conn, period, _scope(conn, args)))
        if args.format == "json":
            from metrics.reporting import reporting_json
            data["reporting"] = reporting_json(conn, period, dt.date.today())
    if args.format == "json":
        out = json.dumps(data, ensure_ascii=False, indent=2, default=dt.date.isoformat)  # an event's date
    else:
        out = data["text"]
    if args.out:
        Path(args.out).write_text(out + "\n", encoding="utf-8")
    else:
        print(out)
    return 0


def _moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是时间,格式应为 YYYY-MM-DDTHH:MM") from None


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期,格式应为 YYYY-MM-DD") from None


def cmd_channel(args) -> int:
    from data_access import notify
    engine = _engine()
    if args.action == "add":
        with engine.begin() as conn:
            notify.add_channel(conn, args.name, args.url, "cli")
            shown = notify.masked(args.url)
        print(f"已添加渠道:{args.name}({shown})")
    elif args.action == "remove":
        with engine.begin() as conn:
            notify.remove_channel(conn, args.name, "cli")
        print(f"已删除渠道:{args.name}(推送记录保留)")
    elif args.action == "test":
        from reports.push import test_channel
        ok, answer = test_channel(engine, args.name, "cli")
        print(f"测试消息{'已发送' if ok else '发送失败'}:{answer}", file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    else:
        with engine.connect() as conn:
            rows = notify.channels(conn)
        if not rows:
            print("暂无推送渠道")
        for c in rows:
            print(f"{c['name']}\t{c['shown']}\t订阅{c['subscriptions']}项\t{c['created_by']}\t"
                  f"{c['created_at']:%Y-%m-%d %H:%M}")
    return 0


def cmd_subscribe(args) -> int:
    from data_access import notify
    with _engine().begin() as conn:
        sid = notify.subscribe(conn, args.channel, args.kind, args.region, "cli")
    print(f"已订阅 #{sid}:渠道“{args.channel}”接收{PUSH_KINDS[args.kind]}({args.region or CITY_REGION})")
    return 0


def cmd_unsubscribe(args) -> int:
    from data_access import notify
    with _engine().begin() as conn:
        notify.unsubscribe(conn, args.subscription_id, "cli")
    print(f"已取消订阅 #{args.subscription_id}")
    return 0


def cmd_subscriptions(args) -> int:
    from data_access import notify
    with _engine().connect() as conn:
        rows = notify.subscriptions(conn)
    if not rows:
        print("暂无订阅")
    for s in rows:
        print(f"#{s['id']}\t{s['channel']}\t{PUSH_KINDS[s['kind']]}\t{s['region']}\t{s['created_by']}\t"
              f"{s['created_at']:%Y-%m-%d %H:%M}")
    return 0


def cmd_push(args) -> int:
    from reports import push
    engine = _engine()
    if args.now:
        if not args.period:
            print("--now briefing 需要用 --period YYYY-MM 指定月份", file=sys.stderr)
            return 2
        report = push.push_now(engine, Period.parse(args.period), "cli", args.at)
    else:
        report = push.run_due(engine, args.at)
    for line in report.lines:
        print(line)
    print(f"本次推送:成功{report.sent}条,失败{report.failed}条,无需发送{report.skipped}条")
    return 1 if report.failed else 0


def cmd_deliveries(args) -> int:
    from data_access import notify
    with _engine().connect() as conn:
        rows = notify.attempts(conn, args.limit)
    if not rows:
        print("暂无推送记录")
    for r in rows:
        print("\t".join([f"{r['at']:%Y-%m-%d %H:%M:%S}", r["channel"], PUSH_KINDS[r["kind"]], r["period"],
                         r["title"] or r["subject"], ATTEMPT_RESULTS[r["result"]], r["answer"]]))
    return 0


def cmd_deadline(args) -> int:
    from data_access import calendar
    period = Period.parse(args.period)
    with _engine().begin() as conn:
        if args.on or args.reset:
            calendar.set_deadline(conn, period.year, period.month, None if args.reset else args.on, "cli")
        due = calendar.deadline(conn, period.year, period.month)
    print(f"{period.year}年{period.month}月数据的上报截止日期:{due:%Y-%m-%d}")
    return 0


def cmd_reporting(args) -> int:
    from metrics.reporting import reporting
    period = Period.parse(args.period)
    with _engine().connect() as conn:
        found = reporting(conn, period, args.today or dt.date.today())
    c = found["counts"]
    print(f"{period.year}年{period.month}月 上报截止 {found['due_on']:%Y-%m-%d}:已报 {c['reported']}/{c['regions']}"
          f" · 按时 {c['on_time']} · 逾期上报 {c['late']} · 逾期未报 {c['missing']} · 未到截止日未报 {c['pending']}")
    for r in found["rows"]:
        when = f"{r['uploaded_at']:%Y-%m-%d %H:%M}\t{r['uploaded_by']}" if r["reported"] else "\t"
        print(f"{r['region']}\t{REPORT_STATUS[r['status']]}\t{when}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cli.py", description="招商引资领导驾驶舱 命令行")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("init", help="创建或升级数据库;--demo 在空数据库中载入演示数据")
    s.add_argument("--demo", action="store_true")
    s.set_defaults(func=cmd_init)
    region = sub.add_parser("region", help="县区").add_subparsers(dest="action", required=True)
    s = region.add_parser("add", help="添加县区")
    s.add_argument("name")
    s.add_argument("--alias", action="append")
    s.add_argument("--kind", default="县区")
    s.set_defaults(func=cmd_region_add)
    chain = sub.add_parser("chain", help="产业链").add_subparsers(dest="action", required=True)
    s = chain.add_parser("add", help="添加产业链")
    s.add_argument("name")
    s.set_defaults(func=cmd_chain_add)
    s = sub.add_parser("import", help="导入上报工作簿")
    s.add_argument("file")
    s.add_argument("--period", help="YYYY-MM")
    s.add_argument("--region")
    s.add_argument("--as", dest="as_user")
    s.add_argument("--dry-run", action="store_true")
    s.set_defaults(func=cmd_import)
    s = sub.add_parser("template", help="生成上报模板")
    s.add_argument("--out", required=True)
    s.set_defaults(func=cmd_template)
    s = sub.add_parser("batches", help="列出导入批次")
    s.add_argument("--region")
    s.set_defaults(func=cmd_batches)
    s = sub.add_parser("rollback", help="回滚导入批次")
    s.add_argument("batch_id", type=int)
    s.add_argument("--as", dest="as_user", help="以该管理员账号的名义回滚(记入审计日志)")
    s.set_defaults(func=cmd_rollback)
    s = sub.add_parser("create-user", help="创建账号;密码从提示输入,或用 --password-stdin 从标准输入读取一行")
    s.add_argument("name")
    s.add_argument("--role", required=True, choices=["leader", "staff", "admin"])
    s.add_argument("--region", action="append", help="县区工作人员负责的县区(可多次指定)")
    s.add_argument("--password-stdin", action="store_true")
    s.set_defaults(func=cmd_create_user)
    s = sub.add_parser("audit", help="打印审计日志(最新的在前)")
    s.add_argument("--limit", type=int, default=50)
    s.add_argument("--action", choices=list(AUDIT_ACTIONS))
    s.add_argument("--user")
    s.set_defaults(func=cmd_audit)
    s = sub.add_parser("briefing", help="生成通报")
    s.add_argument("--period", required=True)
    s.add_argument("--region")
    s.add_argument("--format", choices=["text", "json", "docx", "png"], default="text")
    s.add_argument("--out")
    s.add_argument("--chain", help="只统计一个产业链")
    s.add_argument("--min-amount", type=_yi, help="只统计合同投资额不低于此数(亿元)的项目,如 0.05 即500万元")
    s.add_argument("--origin", choices=list(ORIGINS), help="只统计该投资来源的项目")
    s.add_argument("--manufacturing", action="store_true", help="只统计制造业项目")
    s.set_defaults(func=cmd_briefing)
    channel = sub.add_parser("channel", help="推送渠道").add_subparsers(dest="action", required=True)
    s = channel.add_parser("add", help="添加渠道(apprise 地址:wecombot://…、dingtalk://…、mailtos://…、json://…)")
    s.add_argument("name")
    s.add_argument("url")
    s.set_defaults(func=cmd_channel)
    for action, text in (("remove", "删除渠道及其订阅"), ("test", "发送测试消息")):
        s = channel.add_parser(action, help=text)
        s.add_argument("name")
        s.set_defaults(func=cmd_channel)
    channel.add_parser("list", help="列出渠道(地址中的密钥已隐去)").set_defaults(func=cmd_channel)
    s = sub.add_parser("subscribe", help="为渠道订阅月度通报、上报提醒或预警")
    s.add_argument("channel")
    s.add_argument("--kind", required=True, choices=list(PUSH_KINDS))
    s.add_argument("--region", help="只推送该县区的内容(默认全市)")
    s.set_defaults(func=cmd_subscribe)
    s = sub.add_parser("unsubscribe", help="取消订阅")
    s.add_argument("subscription_id", type=int)
    s.set_defaults(func=cmd_unsubscribe)
    sub.add_parser("subscriptions", help="列出订阅").set_defaults(func=cmd_subscriptions)
    s = sub.add_parser("push", help="推送:--due 发送此刻到期的内容(由 cron 或 systemd 定时器每几分钟运行)")
    mode = s.add_mutually_exclusive_group(required=True)
    mode.add_argument("--due", action="store_true")
    mode.add_argument("--now", choices=["briefing"], help="立即推送一个月的通报(需 --period)")
    s.add_argument("--at", type=_moment, help="按该时刻计算(补发、测试),格式 YYYY-MM-DDTHH:MM")
    s.add_argument("--period", help="YYYY-MM(与 --now 一起使用)")
    s.set_defaults(func=cmd_push)
    s = sub.add_parser("deliveries", help="推送记录(每次尝试一行,最新的在前)")
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(func=cmd_deliveries)
    s = sub.add_parser("deadline", help="查看或调整某月数据的上报截止日期")
    s.add_argument("--period", required=True, help="YYYY-MM")
    s.add_argument("--on", type=_day, help="新的截止日期 YYYY-MM-DD")
    s.add_argument("--reset", action="store_true", help="恢复默认截止日期")
    s.set_defaults(func=cmd_deadline)
    s = sub.add_parser("reporting", help="上报进度:各县区某月数据的上报情况")
    s.add_argument("--period", required=True, help="YYYY-MM")
    s.add_argument("--today", type=_day, help="按该日期判断是否逾期(默认今天)")
    s.set_defaults(func=cmd_reporting)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
