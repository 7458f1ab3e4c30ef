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
