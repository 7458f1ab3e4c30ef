"""Command line (SPEC §7): python cli.py COMMAND. Exit 0 success, 1 rejected input, 2 usage error."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from data_access import db
from data_access.config import ConfigError, add_chain, add_region, region_id
from data_access.importer import ImportRejected, import_workbook, list_batches, rollback_batch
from data_access.models import CITY_REGION
from data_access.periods import has_projects
from data_access.template import build_template
from labels import BATCH_STATUS
from metrics.briefing import briefing
from metrics.figures import rounded
from metrics.period import Period, Scope


def _engine():
    engine = db.engine_for(None)
    db.upgrade(engine)
    return engine


def cmd_init(args) -> int:
    engine = _engine()
    print("数据库已初始化到最新版本")
    if args.demo:
        with engine.connect() as conn:
            if has_projects(conn):
                print("数据库中已有项目数据,未载入演示数据")
                return 0
        from sample_data.load import load_demo
        for line in load_demo(engine):
            print(line)
    return 0


def cmd_region_add(args) -> int:
    with _engine().begin() as conn:
        add_region(conn, args.name, args.kind, tuple(args.alias or ()))
        db.bump_data_version(conn)
    print(f"已添加县区:{args.name}")
    return 0


def cmd_chain_add(args) -> int:
    with _engine().begin() as conn:
        add_chain(conn, args.name)
        db.bump_data_version(conn)
    print(f"已添加产业链:{args.name}")
    return 0


def cmd_import(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"找不到文件:{path}", file=sys.stderr)
        return 1
    period = Period.parse(args.period) if args.period else None
    try:
        result = import_workbook(_engine(), path.read_bytes(), path.name, period and period.year,
                                 period and period.month, args.region, user=args.as_user or "cli",
                                 dry_run=args.dry_run)
    except ImportRejected as exc:
        print(f"导入被拒绝,共{len(exc.problems)}处问题,未写入任何数据:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def cmd_template(args) -> int:
    with _engine().connect() as conn:
        Path(args.out).write_bytes(build_template(conn))
    print(f"模板已写入:{args.out}")
    return 0


def cmd_batches(args) -> int:
    with _engine().connect() as conn:
        rows = list_batches(conn, region_id(conn, args.region))
    if not rows:
        print("暂无导入批次")
    for r in rows:
        print(f"#{r['id']}\t{r['created_at']:%Y-%m-%d %H:%M}\t{r['uploaded_by']}\t{r['region'] or '全市'}\t"
              f"{r['year']}年{r['month']}月\t{r['row_count']}行\t{BATCH_STATUS[r['status']]}\t{r['file_name']}")
    return 0


def cmd_rollback(args) -> int:
    try:
        rollback_batch(_engine(), args.batch_id)
    except ImportRejected as exc:
        for problem in exc.problems:
            print(problem.message, file=sys.stderr)
        return 1
    print(f"批次 #{args.batch_id} 已回滚")
    return 0


def cmd_briefing(args) -> int:
    period = Period.parse(args.period)
    if args.format in ("docx", "png"):
        if not args.out:
            print(f"--format {args.format} 需要用 --out 指定输出文件", file=sys.stderr)
            return 2
        from reports.content import gather
        from reports.images import FontMissing
        with _engine().connect() as conn:
            scope = Scope(region_id=region_id(conn, args.region))
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
        data = rounded(briefing(conn, period, Scope(region_id=region_id(conn, args.region))))
    if args.format == "json":
        out = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        out = data["text"]
    if args.out:
        Path(args.out).write_text(out + "\n", encoding="utf-8")
    else:
        print(out)
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
    s.set_defaults(func=cmd_rollback)
    s = sub.add_parser("briefing", help="生成通报")
    s.add_argument("--period", required=True)
    s.add_argument("--region")
    s.add_argument("--format", choices=["text", "json", "docx", "png"], default="text")
    s.add_argument("--out")
    s.set_defaults(func=cmd_briefing)
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
