"""The README's commands run as written, in order, against a temporary database.

Every `sh` block's `.venv/bin/confbot …` command runs through a real shell (so its quoting,
`\\$` and comments behave as they do for a reader), from a scratch folder with the repository's
examples/ in it, where `.venv/bin/confbot` is this checkout. Each must exit 0 without a
traceback. Only what cannot run here is left out: installing, the test suite itself, and
`serve` (it needs Slack and runs until stopped).
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bot.store import Store
from tests.conftest import vegas

ROOT = Path(__file__).resolve().parent.parent
SKIP = re.compile(r"\bconfbot serve\b")
# Between README lines, what a reader's own data would already hold: someone must hold a code
# before `credits reissue` can replace it (claims happen in Slack).
SETUP = {
    "credits reissue U0123ABCD": lambda db: _claim(db, "AWS $25", "U0123ABCD"),
}


def _claim(db: Path, campaign: str, user: str) -> None:
    store = Store(db)
    store.claim(store.campaign(campaign).id, user, vegas("2023-11-28T10:00"))
    store.close()


def readme_commands(text: str) -> list[str]:
    """Each `.venv/bin/confbot` command of the README's sh blocks, continuation lines joined."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            # "python3 -m venv .venv && … && .venv/bin/confbot chat": the setup is done here.
            for part in line.strip().split(" && "):
                if ".venv/bin/confbot" in part and not SKIP.search(part):
                    commands.append(part.strip())
    return commands


def test_the_readme_commands_run_as_written(tmp_path):
    commands = readme_commands((ROOT / "README.md").read_text())
    assert len(commands) >= 15 and any("load examples/agenda.csv" in c for c in commands)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    launcher = tmp_path / ".venv" / "bin" / "confbot"
    launcher.parent.mkdir(parents=True)
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bot "$@"\n')
    launcher.chmod(0o755)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CONFBOT_DB": str(tmp_path / "confbot.db"),
        "NO_COLOR": "1",
    }
    env.pop("CONFBOT_ANNOUNCE_CHANNELS", None)
    for command in commands:
        for marker, setup in SETUP.items():
            if marker in command:
                setup(tmp_path / "confbot.db")
        result = subprocess.run(
            ["sh", "-c", command],
            cwd=tmp_path,
            env=env,
            input="",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr + result.stdout, command
    assert (tmp_path / "audit.csv").exists()
