"""Issue 15: campaign names checked (a new one needs --create, a typo gets a did-you-mean),
date ranges checked, code files with a header and a count line, reissue without a code."""

import pytest

from bot.cli import main
from bot.credits import read_codes_file
from bot.store import Store
from tests.conftest import vegas

CAMPAIGN = "Cloud Credits $50"


@pytest.fixture
def db(tmp_path, capsys):
    path = str(tmp_path / "c.db")
    codes = tmp_path / "codes.csv"
    codes.write_text("CLOUD-0001\nCLOUD-0002\nCLOUD-0003\n")
    assert main(["--db", path, "credits", "import", CAMPAIGN, str(codes), "--create"]) == 0
    capsys.readouterr()
    return path


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("confbot: "), err
    return err[0]


def test_a_mistyped_campaign_name_needs_create_and_gets_a_did_you_mean(db, capsys):
    assert main(["--db", db, "credits", "campaign", "Cloud Credit $50", "--everyone"]) == 2
    err = one_error_line(capsys)
    assert "no campaign named 'Cloud Credit $50'" in err
    assert "did you mean 'Cloud Credits $50'?" in err and "--create" in err
    assert [c.name for c in Store(db).campaigns()] == [CAMPAIGN]  # nothing new, nothing open


def test_importing_into_a_mistyped_campaign_changes_nothing(db, tmp_path, capsys):
    more = tmp_path / "more.csv"
    more.write_text("CLOUD-0009\n")
    assert main(["--db", db, "credits", "import", "Cloud Credit $50", str(more)]) == 2
    assert "did you mean 'Cloud Credits $50'?" in one_error_line(capsys)
    assert [c.name for c in Store(db).campaigns()] == [CAMPAIGN]


def test_create_makes_a_new_campaign_and_refuses_an_existing_name(db, capsys):
    assert main(["--db", db, "credits", "campaign", "Builders", "--create"]) == 0
    assert "Builders" in capsys.readouterr().out
    assert main(["--db", db, "credits", "campaign", "Builders", "--create"]) == 2
    assert "already exists" in one_error_line(capsys)


def test_closes_before_opens_is_refused(db, capsys):
    args = ["--db", db, "credits", "campaign", CAMPAIGN]
    assert main([*args, "--opens", "2023-11-28T09:00", "--closes", "2023-11-27T09:00"]) == 2
    assert "must close after it opens" in one_error_line(capsys)
    # Against the stored opening time too, and an equal time is no window at all.
    assert main([*args, "--opens", "2023-11-28T09:00"]) == 0
    capsys.readouterr()
    assert main([*args, "--closes", "2023-11-28T09:00"]) == 2
    assert "must close after it opens" in one_error_line(capsys)
    assert Store(db).campaign(CAMPAIGN).closes_at is None
    assert main([*args, "--closes", "2023-12-01T12:00"]) == 0


def test_opens_tomorrow_gets_a_clear_message(db, capsys):
    assert main(["--db", db, "credits", "campaign", CAMPAIGN, "--opens", "tomorrow"]) == 2
    err = one_error_line(capsys)
    assert "--opens: 'tomorrow' is not a date and time like 2023-11-28T09:00" in err
    assert "isoformat" not in err


def test_a_one_column_file_headed_promo_code_does_not_import_its_header(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("promo_code\nAAAA-0001\nBBBB-0002\n")
    codes = read_codes_file(path)
    assert [c for _, c in codes.codes] == ["AAAA-0001", "BBBB-0002"]
    assert codes.header == "promo_code"
    # A first row that is a code stays a code, even one with the word in it.
    path.write_text("PROMO-CODE-2023\nAAAA-0001\n")
    assert [c for _, c in read_codes_file(path).codes] == ["PROMO-CODE-2023", "AAAA-0001"]
    path.write_text("id,Voucher Code,note\n1,AAAA-0001,x\n")
    assert [c for _, c in read_codes_file(path).codes] == ["AAAA-0001"]


def test_the_import_says_how_its_rows_were_counted(tmp_path, capsys):
    path = tmp_path / "codes.csv"
    path.write_text("code\nAAAA-0001\nBBBB-0002\nAAAA-0001\n\nCCCC-0003\nBBBB-0002\nAAAA-0001\n")
    db = str(tmp_path / "c.db")
    assert main(["--db", db, "credits", "import", "X", str(path), "--create"]) == 0
    out = capsys.readouterr().out
    assert "7 rows: 3 added, 3 duplicates dropped, 1 blank" in out
    assert "header 'code' skipped" in out
    assert Store(db).campaign("X").codes_total == 3


def test_reissue_without_a_code_held_says_so_in_a_sentence(db, capsys):
    assert main(["--db", db, "credits", "reissue", "U001"]) == 2
    err = one_error_line(capsys)
    assert "U001 holds no promo code in any campaign" in err and "nothing to reissue" in err
    assert "0 campaigns" not in err
    assert main(["--db", db, "credits", "reissue", "U0123ABCD", "--campaign", CAMPAIGN]) == 2
    assert f"holds no promo code of {CAMPAIGN}" in one_error_line(capsys)
    store = Store(db)
    store.claim(store.campaign(CAMPAIGN).id, "U0123ABCD", vegas("2023-11-28T10:00"))
    assert main(["--db", db, "credits", "reissue", "U0123ABCD"]) == 0


def test_export_to_a_folder_or_a_missing_folder_is_one_line(db, tmp_path, capsys):
    assert main(["--db", db, "credits", "export", CAMPAIGN, str(tmp_path)]) == 2
    assert "is a folder" in one_error_line(capsys)
    assert main(["--db", db, "credits", "export", CAMPAIGN, str(tmp_path / "no" / "a.csv")]) == 2
    assert "cannot write" in one_error_line(capsys)
