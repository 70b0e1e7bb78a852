"""Promo credits below Slack: the codes file, campaigns, the atomic claim, the audit log."""

import sqlite3
import threading
from datetime import timedelta

import pytest

from bot.cli import main
from bot.credits import CodesFileError, Credits, read_codes
from bot.store import Store
from bot.store.credits import DuplicateCode
from tests.conftest import vegas

NOW = vegas("2023-11-28T10:00")


def codes(n: int, prefix: str = "AWS") -> list[str]:
    return [f"{prefix}-{i:05d}-XYZ" for i in range(n)]


@pytest.fixture
def campaign(fresh_db):
    c, _ = fresh_db.import_codes("AWS $25", codes(10), NOW - timedelta(hours=1))
    return c


def test_read_codes_one_per_row_or_a_code_column(tmp_path):
    plain = tmp_path / "a.csv"
    plain.write_text(" AAAA-1 \nBBBB-2\n\nAAAA-1\n")
    assert read_codes(plain) == [(1, "AAAA-1"), (2, "BBBB-2")]
    column = tmp_path / "b.csv"
    column.write_text("id,Code,note\n1,CCCC-3,x\n2,DDDD-4,y\n")
    assert [c for _, c in read_codes(column)] == ["CCCC-3", "DDDD-4"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"AAAA-1\nnot a code\n", "line 2"),
        (b"id,value\n1,AAAA\n", "none is named 'code'"),
        (b"code\n\n", "no codes"),
        ("AAAA-\xe9\n".encode("latin-1"), "not UTF-8"),
        (b"code\nAAAA-1\n,\n\x00\x00", "NUL"),
    ],
)
def test_bad_codes_files_name_the_problem(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CodesFileError, match=message):
        read_codes(path)


def test_import_creates_an_open_campaign_and_rejects_known_codes_whole(fresh_db, campaign):
    assert (campaign.codes_total, campaign.codes_left, campaign.eligibility) == (10, 10, "everyone")
    with pytest.raises(DuplicateCode) as err:
        fresh_db.import_codes("Other", ["NEW-CODE-1", codes(10)[3]], NOW)
    assert err.value.index == 2
    assert fresh_db.campaign("Other") is None  # all or nothing: not even the campaign
    assert fresh_db.db.execute("SELECT count(*) FROM promo_codes").fetchone()[0] == 10


def test_one_code_per_person_the_same_code_when_asked_again(fresh_db, campaign):
    first = fresh_db.claim(campaign.id, "U1", NOW)
    again = fresh_db.claim(campaign.id, "U1", NOW + timedelta(minutes=5))
    other = fresh_db.claim(campaign.id, "U2", NOW)
    assert first.status == "claimed" and again.status == "already" and again.code == first.code
    assert other.code != first.code
    assert fresh_db.campaign("AWS $25").codes_left == 8
    actions = [(a["user_id"], a["action"]) for a in fresh_db.audit_log(campaign.id)]
    assert actions == [("", "import"), ("U1", "claim"), ("U2", "claim")]


def test_the_audit_log_is_append_only(fresh_db, campaign):
    fresh_db.claim(campaign.id, "U1", NOW)
    for sql in ("UPDATE claim_audit SET user_id = 'U9'", "DELETE FROM claim_audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            fresh_db.db.execute(sql)


def test_the_unique_index_is_the_backstop(fresh_db, campaign):
    fresh_db.claim(campaign.id, "U1", NOW)
    with pytest.raises(sqlite3.IntegrityError):
        fresh_db.db.execute(
            "UPDATE promo_codes SET user_id = 'U1' WHERE user_id IS NULL AND id = (SELECT max(id) FROM promo_codes)"
        )


def test_stock_alerts_fire_once_per_threshold(fresh_db, campaign):
    crossed = [fresh_db.claim(campaign.id, f"U{i}", NOW).alerts for i in range(11)]
    assert crossed[7] == (20,)  # 2 of 10 left
    assert crossed[9] == (5, 0)  # none left
    assert [a for a in crossed if a] == [(20,), (5, 0)]
    assert fresh_db.claim(campaign.id, "U99", NOW).status == "none_left"


def test_concurrent_claims_from_many_connections_never_double_give(tmp_path):
    path = tmp_path / "race.db"
    setup = Store(path)
    campaign, _ = setup.import_codes("Race", codes(150), NOW)
    results: list[tuple[str, str | None]] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        store = Store(path)  # its own connection, as another process would have
        for i in range(25):
            user = f"U{n:02d}{i:03d}"
            r = store.claim(campaign.id, user, NOW)
            with lock:
                results.append((user, r.code))
        store.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    given = [code for _, code in results if code]
    assert len(given) == 150 and len(set(given)) == 150  # 200 asked, 150 codes, no code twice
    assert setup.campaign("Race").codes_left == 0


async def test_claim_outcomes_say_what_happened(fresh_db, campaign):
    credits = Credits(fresh_db)
    got = await credits.claim("U1", NOW)
    assert got.status == "claimed" and got.code in got.message and "How to redeem" in got.message
    fresh_db.save_campaign("AWS $25", NOW, opens_at=NOW + timedelta(days=1))
    later = await credits.claim("U2", NOW)
    assert later.status == "not_open" and "Wednesday, Nov 29" in later.message
    fresh_db.save_campaign(
        "AWS $25", NOW, opens_at=NOW - timedelta(days=2), closes_at=NOW - timedelta(days=1)
    )
    closed = await credits.claim("U3", NOW, campaign_id=campaign.id)
    assert closed.status == "closed" and "closed" in closed.message
    again = await credits.claim("U1", NOW, campaign_id=campaign.id)
    assert again.status == "already" and again.code == got.code  # still shown after closing


async def test_eligibility_by_allowlist_and_channel(fresh_db, campaign):
    credits = Credits(fresh_db)
    fresh_db.save_campaign("AWS $25", NOW, eligibility="allowlist", allowlist=("U0000VIP",))
    assert (await credits.claim("U0000NOT", NOW)).status == "not_eligible"
    assert (await credits.claim("U0000VIP", NOW)).status == "claimed"
    fresh_db.save_campaign("AWS $25", NOW, eligibility="channel", eligible_channel="C0000BUILD")

    async def is_member(channel: str, user: str) -> bool:
        return channel == "C0000BUILD" and user == "U0000DEV"

    outcome = await credits.claim("U0000NOT", NOW, is_member=is_member)
    assert outcome.status == "not_eligible" and "<#C0000BUILD>" in outcome.message
    assert (await credits.claim("U0000DEV", NOW, is_member=is_member)).status == "claimed"


async def test_several_open_campaigns_ask_the_person_to_pick(fresh_db, campaign):
    fresh_db.import_codes("Builder $50", codes(3, "BLD"), NOW - timedelta(hours=1))
    outcome = await Credits(fresh_db).claim("U1", NOW)
    assert outcome.status == "choose" and {c.name for c in outcome.choices} == {
        "AWS $25",
        "Builder $50",
    }


async def test_nothing_to_claim(fresh_db):
    assert (await Credits(fresh_db).claim("U1", NOW)).status == "none"


def test_revoke_and_reissue(fresh_db, campaign):
    first = fresh_db.claim(campaign.id, "U1", NOW)
    c, holder = fresh_db.revoke_code(first.code, NOW)
    assert holder == "U1" and c.codes_total == 9
    second = fresh_db.claim(campaign.id, "U1", NOW)
    assert second.status == "claimed" and second.code != first.code
    third = fresh_db.reissue(campaign.id, "U1", NOW)
    assert third.code not in {first.code, second.code}
    assert fresh_db.held_code(campaign.id, "U1") == third.code
    with pytest.raises(ValueError):
        fresh_db.revoke_code(first.code, NOW)  # already revoked
    with pytest.raises(ValueError):
        fresh_db.reissue(campaign.id, "U404", NOW)


def test_credits_commands(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    codes_file = tmp_path / "codes.csv"
    codes_file.write_text("code\n" + "\n".join(codes(5)) + "\n")
    assert main(["--db", db, "credits", "import", "AWS $25", str(codes_file), "--create"]) == 0
    assert "5 rows: 5 added" in capsys.readouterr().out
    assert main(["--db", db, "credits", "import", "AWS $25", str(codes_file)]) == 1
    assert "line 2: this code is already in the store" in capsys.readouterr().err
    assert (
        main(
            ["--db", db, "credits", "campaign", "AWS $25", "--value", "$25", "--allow", "U0123ABCD"]
        )
        == 0
    )
    assert "1 listed people" in capsys.readouterr().out
    store = Store(db)
    store.claim(store.campaign("AWS $25").id, "U0123ABCD", NOW)
    assert main(["--db", db, "credits", "stats", "--json"]) == 0
    assert '"claimed": 1' in capsys.readouterr().out
    assert main(["--db", db, "credits", "reissue", "U0123ABCD"]) == 0
    out = tmp_path / "audit.csv"
    assert main(["--db", db, "credits", "export", "AWS $25", str(out)]) == 0
    rows = out.read_text().splitlines()
    assert rows[0] == "code,user_id,claimed_at,revoked,revoked_at" and len(rows) == 6
    assert sum("U0123ABCD" in r for r in rows) == 2 and sum(",yes," in r for r in rows) == 1
    assert main(["--db", db, "credits", "stats", "Nope"]) == 2
