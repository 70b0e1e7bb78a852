"""`confbot reminders`: what `confbot serve` will post, when and where, before it runs.

The listing is built from the same plan the scheduler uses (``reminders.plan``) and the same
verdict on lateness (``reminders.fate``), so it shows what serve would do, not a guess.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from datetime import UTC, datetime

from bot import reminders
from bot.cli_support import CliError, local, open_store, time_option
from bot.config import ConfigError, slack_ids

PENDING = {"ahead": "", "on time": "due now", "late": "overdue: posts late at start"}
DONE = {
    "sent": "sent",
    "late": "sent late",
    "missed": "missed",
    "sending": "sending",
    "gone": "too late: skipped",  # fate 'missed' before the ledger has a row
}


def add_parser(sub, common: list) -> None:
    p = sub.add_parser(
        "reminders",
        help="list the reminders and announcements serve will post",
        description=cmd_reminders.__doc__,
        parents=common,
    )
    p.add_argument(
        "--now", help="list as of this time (ISO 8601; event zone if no offset), not the real time"
    )
    p.add_argument(
        "--all", action="store_true", help="also list what was sent, missed or is too late"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_reminders)


def _channels() -> tuple[str, ...]:
    """The channels serve posts item reminders in, read as serve reads them."""
    try:
        return slack_ids(
            os.environ.get("CONFBOT_ANNOUNCE_CHANNELS", ""),
            "CONFBOT_ANNOUNCE_CHANNELS",
            r"[CG][A-Z0-9]{6,}",
        )
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def _status(done: dict[str, str], due: reminders.Due, target: str, now: datetime) -> str:
    if target in done:  # the delivery ledger: sent, late, missed or sending
        return done[target]
    fate = reminders.fate(due, now)
    return "gone" if fate == "missed" else fate


def outlook(store, now: datetime) -> dict:
    """Channel reminders and announcements (one row per channel), personal reminders counted
    per item, and remindable items with no channel to post in."""
    data = store.load_event_data()
    zone = data.event.zone
    channels = _channels()
    posts, personal = [], defaultdict(lambda: {"pending": 0, "all": 0})
    for due in sorted(reminders.plan(store, data, channels), key=lambda d: (d.due_at, d.key)):
        done = store.delivered(due.key)
        for target in due.targets:
            status = _status(done, due, target, now)
            if due.kind == "personal":
                counts = personal[due.item.id]
                counts["all"] += 1
                counts["pending"] += status in PENDING
                continue
            kinds = {"item": "reminder", "moved": "moved", "announcement": "announcement"}
            row = {
                "key": due.key,
                "kind": kinds[due.kind],
                "due_at": due.due_at.astimezone(zone).isoformat(),
                "due_at_utc": due.due_at.astimezone(UTC).isoformat(),
                "channel": target,
                "status": status,
            }
            if due.item is not None:
                row.update(
                    item_id=due.item.id, item=due.item.title, minutes_before=due.minutes_before
                )
            else:
                row.update(announcement_id=int(due.key.partition(":")[2]), text=due.text)
            posts.append(row)
    items = {i.id: i for i in data.schedule}
    return {
        "now": now.astimezone(zone).isoformat(),
        "zone": zone.key,
        "channels": list(channels),
        "posts": posts,
        "personal": [
            {
                "item_id": item_id,
                "item": items[item_id].title,
                "starts_at": items[item_id].start.astimezone(zone).isoformat(),
                "pending": counts["pending"],
                "total": counts["all"],
            }
            for item_id, counts in sorted(personal.items(), key=lambda kv: items[kv[0]].start)
        ],
        "without_channel": [
            i.id for i in reminders.remindable(data) if not (i.channels or channels)
        ],
    }


def cmd_reminders(args) -> int:
    """List what `confbot serve` will post, from now on: channel reminders (60 and 10 minutes
    before each keynote and re:Play) and organizers' announcements, each with its time in the
    event's zone and in UTC, its channel and its item; and personal reminders (DMs) counted
    per item. Channels come from CONFBOT_ANNOUNCE_CHANNELS, as for serve."""
    store = open_store(args)
    event = store.event()
    if event is None:
        raise CliError(f"the database {args.db} holds no event: load one with `confbot load`")
    now = time_option(args.now, event.zone, "--now") if args.now else datetime.now(UTC)
    view = outlook(store, now)
    if not args.all:
        view["posts"] = [p for p in view["posts"] if p["status"] in PENDING]
        view["personal"] = [p for p in view["personal"] if p["pending"]]
    if args.json:
        print(json.dumps(view, ensure_ascii=False, indent=2))
        return 0
    _print(view, event.zone, now)
    return 0


def _print(view: dict, zone, now: datetime) -> None:
    print(f"What `confbot serve` will post, as of {local(now, zone)} (times in {zone.key}):")
    for kind, title in (
        ("reminder", "Channel reminders"),
        ("moved", "Notices of moved items (to channels and to people with reminders)"),
        ("announcement", "Announcements"),
    ):
        rows = [p for p in view["posts"] if p["kind"] == kind]
        if not rows:
            continue
        print(f"\n{title} ({len(rows)}):")
        for p in rows:
            when = local(datetime.fromisoformat(p["due_at"]), zone)
            utc = datetime.fromisoformat(p["due_at_utc"]).strftime("%Y-%m-%dT%H:%MZ")
            what = {
                "reminder": lambda p=p: f"{p['item']} ({p['minutes_before']} min before)",
                "moved": lambda p=p: f"{p['item']} moved",
                "announcement": lambda p=p: f"#{p['announcement_id']} {_short(p['text'])}",
            }[kind]()
            status = PENDING.get(p["status"], DONE.get(p["status"], p["status"]))
            print(f"  {when}  {utc}  {p['channel']}  {what}" + (f"  [{status}]" if status else ""))
    if view["personal"]:
        print("\nPersonal reminders (DMs), per item:")
        for p in view["personal"]:
            starts = local(datetime.fromisoformat(p["starts_at"]), zone)
            counted = f"{p['pending']} to send" + (
                f" of {p['total']}" if p["total"] != p["pending"] else ""
            )
            print(f"  {counted:>14}  {p['item']} (starts {starts})")
    if view["without_channel"]:
        print(
            f"\n{len(view['without_channel'])} items ask for reminders but have no channel, so "
            "none are posted for them: set CONFBOT_ANNOUNCE_CHANNELS (or `channels` on the item)."
        )
    if not view["posts"] and not view["personal"]:
        print(
            "\nNothing left to post. `--now` lists as of another time; `--all` shows what was sent."
        )


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= width else f'"{text[: width - 1]}…"'
