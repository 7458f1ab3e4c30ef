"""Migration 0008 (supersession by kind): batches imported before it get the kinds their logged rows
show, with their status, and nothing is lost; its downgrade runs too. Both engines."""
import datetime as dt

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from data_access import db
from data_access.batches import list_batches


def alembic(engine, action: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(db.ROOT / "data_access" / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


def test_batches_from_before_get_their_kinds(engine):
    alembic(engine, "downgrade", "0007")
    now = dt.datetime(2023, 6, 1, 9, 30)
    with engine.begin() as conn:
        for batch_id, status in ((1, "superseded"), (2, "active"), (3, "active"), (4, "rolled_back")):
            conn.execute(text("INSERT INTO import_batch (id, uploaded_by, file_name, file_sha256, year, month, "
                              "created_at, row_count, status) VALUES (:i, 'cli', :f, :h, 2023, 5, :t, 1, :s)"),
                         {"i": batch_id, "f": f"{batch_id}.xlsx", "h": str(batch_id) * 64, "t": now, "s": status})
        # 1 and 2: ledger rows; 3: targets and teams; 4: nothing logged
        for batch_id, table in ((1, "project"), (2, "project"), (2, "funds"), (3, "annual_target"),
                                (3, "resident_activity")):
            conn.execute(text("INSERT INTO batch_change (batch_id, table_name, row_key, before) "
                              "VALUES (:b, :t, '*', '[]')"), {"b": batch_id, "t": table})
    db.upgrade(engine)
    with engine.connect() as conn:
        kinds = {b["id"]: (b["status"], b["kinds"], b["notes"]) for b in list_batches(conn)}
        ops = set(conn.scalars(text("SELECT DISTINCT op FROM batch_change")))
    assert kinds == {
        1: ("superseded", {"ledger": ("superseded", None)}, []),
        2: ("active", {"ledger": ("active", None)}, []),
        3: ("active", {"targets": ("active", None), "resident": ("active", None)}, []),
        4: ("rolled_back", {"ledger": ("rolled_back", None)}, [])}
    assert ops == {"write"}


def test_migration_0010_gives_earlier_batches_the_regions_they_reported(engine):
    """A county batch reports for its region; a 全市 batch for the regions of the projects its log names
    (one row's key, or the list of keys of the rows inserted; funds rows by project id). Earlier
    batches are marked as scanned for alerts: an upgrade alerts about nothing."""
    from data_access.config import add_region
    with engine.begin() as conn:
        east, west, north = (add_region(conn, n) for n in ("东城区", "西城区", "北城区"))
    alembic(engine, "downgrade", "0009")
    now = dt.datetime(2026, 11, 3, 9, 30)
    with engine.begin() as conn:
        for batch_id, region_id in ((1, east), (2, None), (3, None)):
            conn.execute(text("INSERT INTO import_batch (id, uploaded_by, file_name, file_sha256, region_id, year, "
                              "month, created_at, row_count, status) VALUES (:i, 'cli', :f, :h, :r, 2026, 10, :t, 1, "
                              "'active')"), {"i": batch_id, "f": f"{batch_id}.xlsx", "h": str(batch_id) * 64,
                                             "r": region_id, "t": now})
        chain = conn.scalar(text("SELECT min(id) FROM chain"))
        for pid, code, region_id in ((1, "E1", east), (2, "W1", west), (3, "N1", north)):
            conn.execute(text("INSERT INTO project (id, code, name, investor, region_id, chain_id, is_manufacturing, "
                              "is_top500, is_little_giant, stage) VALUES (:i, :c, :c, 'x', :r, :ch, false, false, "
                              "false, '签约')"), {"i": pid, "c": code, "r": region_id, "ch": chain})
        log = [(1, "project", '{"code": "E1"}', None), (2, "project", "*", '[["W1"]]'),
               (2, "project", '{"code": "E1"}', '{"code": "E1"}'), (3, "funds", "=", '[[3, 2026, 10]]')]
        for batch_id, table, key, before in log:
            conn.execute(text("INSERT INTO batch_change (batch_id, table_name, row_key, before) "
                              "VALUES (:b, :t, :k, :v)"), {"b": batch_id, "t": table, "k": key, "v": before})
    db.upgrade(engine)
    with engine.connect() as conn:
        pairs = sorted(conn.execute(text("SELECT batch_id, region_id FROM import_batch_region")).all())
        scanned = sorted(conn.scalars(text("SELECT batch_id FROM alert_scan")))
    assert pairs == [(1, east), (2, east), (2, west), (3, north)]
    assert scanned == [1, 2, 3]
    alembic(engine, "downgrade", "0009")  # and back
    db.upgrade(engine)
