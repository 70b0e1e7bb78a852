"""Settings: read once from the environment; a bad one is named in one clear line."""

import json
import os
import re
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "a" * 32}
ROOT = Path(__file__).resolve().parent.parent


def test_good_settings_and_defaults():
    s = Settings.from_env(
        {
            **GOOD,
            "CONFBOT_ADMINS": "U0123ABCD, W0123ABCD",
            "CONFBOT_ANNOUNCE_CHANNELS": "C0123ABCD C0456DEFG",
            "SLACK_API_URL": "http://127.0.0.1:9/api",
        }
    )
    assert s.admins == ("U0123ABCD", "W0123ABCD") and s.announce_channels == (
        "C0123ABCD",
        "C0456DEFG",
    )
    assert s.api_url == "http://127.0.0.1:9/api/" and s.port == 3000 and not s.socket_mode
    assert "xoxb" not in repr(s) and "a" * 32 not in repr(s)
    assert Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-2"}
    ).socket_mode


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({**GOOD, "SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({**GOOD, "SLACK_SIGNING_SECRET": "not hex!"}, "SLACK_SIGNING_SECRET"),
        ({**GOOD, "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({**GOOD, "SLACK_API_URL": "slack.com"}, "SLACK_API_URL"),
        ({**GOOD, "PORT": "http"}, "PORT"),
        ({**GOOD, "CONFBOT_ADMINS": "alice"}, "CONFBOT_ADMINS"),
        ({**GOOD, "CONFBOT_HELP_CHANNEL": "#help"}, "CONFBOT_HELP_CHANNEL"),
        ({**GOOD, "CONFBOT_DIGEST_TIME": "6pm"}, "CONFBOT_DIGEST_TIME"),
        ({**GOOD, "CONFBOT_DIGEST_TIME": "24:00"}, "CONFBOT_DIGEST_TIME"),
        ({**GOOD, "CONFBOT_ANNOUNCE_CHANNELS": "C0123ABCD,general"}, "CONFBOT_ANNOUNCE_CHANNELS"),
        ({**GOOD, "CONFBOT_LOG_FORMAT": "xml"}, "CONFBOT_LOG_FORMAT"),
        ({**GOOD, "CONFBOT_POST_RATE": "fast"}, "CONFBOT_POST_RATE"),
        ({**GOOD, "CONFBOT_API_TIMEOUT": "0"}, "CONFBOT_API_TIMEOUT"),
    ],
)
def test_a_missing_or_malformed_setting_is_named(env, named):
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(env)


def test_serve_refuses_to_start_with_one_clear_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CONFBOT_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(tmp_path / "c.db"), "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "confbot: SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...)"
    ]


# Each Web API method the bot calls, and the bot scopes Slack wants for it (public and private
# channels both, where the method reads a channel).
SCOPES_FOR = {
    "chat_postMessage": {"chat:write", "chat:write.public"},
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_getPermalink": set(),
    "conversations_members": {"channels:read", "groups:read"},
    "conversations_open": {"im:write"},
    "reactions_add": {"reactions:write"},
    "users_info": {"users:read"},
    "views_open": set(),
    "views_publish": set(),
    "files_upload_v2": {"files:write"},
    "auth_test": set(),
}


def test_the_digest_time_defaults_to_six_pm_and_can_be_moved_or_turned_off():
    assert Settings.from_env(GOOD).digest_time == time(18, 0)
    assert Settings.from_env({**GOOD, "CONFBOT_DIGEST_TIME": "7:30"}).digest_time == time(7, 30)
    assert Settings.from_env({**GOOD, "CONFBOT_DIGEST_TIME": "off"}).digest_time is None


def test_the_manifest_has_a_scope_for_every_web_api_call():
    manifest = json.loads((ROOT / "manifest.json").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    called = set()
    for path in (ROOT / "bot").rglob("*.py"):
        called |= set(re.findall(r"client\.([a-z]+_[A-Za-z_0-9]+)\(", path.read_text()))
    assert called and called <= set(SCOPES_FOR), (
        f"a method with no known scopes: {called - set(SCOPES_FOR)}"
    )
    needed = set().union(*(SCOPES_FOR[m] for m in called))
    assert needed <= scopes, f"missing from manifest.json: {needed - scopes}"
    # reading the help channel's threads
    assert {"channels:history", "groups:history"} <= scopes


def test_the_manifest_declares_what_the_app_uses():
    manifest = json.loads((ROOT / "manifest.json").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history", "users:read"} <= scopes
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_mention",
        "message.im",
        "message.channels",  # the help channel's threads (public or private)
        "message.groups",
    }
    assert manifest["features"]["slash_commands"][0]["command"] == "/conf"
    assert (
        manifest["settings"]["interactivity"]["is_enabled"]
        and manifest["features"]["app_home"]["home_tab_enabled"]
    )
    assert (ROOT / "Procfile").read_text().startswith("web: confbot serve")
