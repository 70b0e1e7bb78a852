"""The database locked by another process, read-only, or the disk full: a clear error, and
no half-written state."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.importers import SAMPLE_EVENT, load_file
from bot.store import Store, StoreError
from tests.conftest import vegas

ROOT = Path(__file__).resolve().parent.parent


def test_a_database_locked_by_another_process(tmp_path):
    db = tmp_path / "locked.db"
    store = Store(db, timeout=0.5)
    load_file(store, SAMPLE_EVENT)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import sqlite3,time; c=sqlite3.connect({str(db)!r}, isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = store.counts()
        with pytest.raises(StoreError, match="locked by another process"):
            load_file(store, SAMPLE_EVENT)
        with pytest.raises(StoreError, match="locked"):
            store.import_codes("X", ["CODE-0001"], vegas("2023-11-28T10:00"))
        assert store.counts() == before and store.campaign("X") is None
    finally:
        holder.kill()
        holder.wait()
    load_file(store, SAMPLE_EVENT)  # and once it is free, work goes on


def test_a_full_disk_changes_nothing(tmp_path):
    store = Store(tmp_path / "full.db")
    load_file(store, SAMPLE_EVENT)
    before, revision = store.counts(), store.revision()
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # as good as a full disk
    codes = [f"CODE-{i:08d}-" + "x" * 60 for i in range(5000)]
    with pytest.raises(StoreError, match="full"):
        store.import_codes("Big", codes, vegas("2023-11-28T10:00"))
    assert store.counts() == before and store.revision() == revision
    assert store.campaign("Big") is None
    assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_cli_says_so_in_one_line(tmp_path, capsys):
    db = tmp_path / "ro.db"
    Store(db).close()
    uri = f"file:{db}?mode=ro"
    codes = tmp_path / "codes.csv"
    codes.write_text("CODE-0001\nCODE-0002\n")
    assert main(["--db", uri, "credits", "import", "X", str(codes), "--create"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("confbot:") and "read-only" in err[0]
    assert sqlite3.connect(db).execute("SELECT count(*) FROM campaigns").fetchone() == (0,)
