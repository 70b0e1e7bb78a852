"""`confbot credits …`: campaigns, code imports, stats, revoke, reissue and the audit export."""

from __future__ import annotations

import csv
import json
import os
import re
from datetime import UTC, datetime

from bot.cli_support import (
    CliError,
    ContentError,
    event_zone,
    local,
    open_store,
    time_option,
    utc_hour,
)
from bot.config import ConfigError, slack_ids
from bot.credits import CodesFileError, Credits, read_codes_file
from bot.store.credits import DuplicateCode
from bot.suggest import did_you_mean


def add_parser(sub, common: list) -> None:
    """Register `credits` and its subcommands on the top-level parser."""
    credits = sub.add_parser(
        "credits",
        help="promo credit codes: import, campaigns, stats, audit",
        description="Promo credit campaigns and codes.",
        parents=common,
    )
    csub = credits.add_subparsers(dest="credits_command", metavar="SUBCOMMAND", required=True)

    p = csub.add_parser(
        "import",
        help="import codes from a CSV into a campaign",
        description=cmd_import.__doc__,
        parents=common,
    )
    p.add_argument("campaign", help="the campaign's name")
    p.add_argument("file", help="a CSV with one code per row, or a 'code' column")
    p.add_argument("--create", action="store_true", help="start a new campaign with this name")
    p.set_defaults(func=cmd_import)

    p = csub.add_parser(
        "campaign",
        help="show or change a campaign's settings",
        description=cmd_campaign.__doc__,
        parents=common,
    )
    p.add_argument("campaign", help="the campaign's name")
    p.add_argument("--create", action="store_true", help="start a new campaign with this name")
    p.add_argument("--value", help="what a code is worth, e.g. '$25 AWS credit'")
    p.add_argument("--redeem", help="how to redeem it, in words")
    p.add_argument("--url", help="where to redeem it")
    p.add_argument(
        "--opens", help="when claims open (ISO 8601; event zone without an offset), or 'now'"
    )
    p.add_argument("--closes", help="when claims close (ISO 8601), or 'never'")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--everyone", action="store_true", help="everyone in the workspace may claim")
    who.add_argument("--channel", help="only members of this channel ID may claim")
    who.add_argument("--allow", help="only these user IDs may claim (comma-separated)")
    p.set_defaults(func=cmd_campaign)

    p = csub.add_parser(
        "stats",
        help="total, claimed, left and claims per hour",
        description=cmd_stats.__doc__,
        parents=common,
    )
    p.add_argument("campaign", nargs="?", help="one campaign (default: all)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)

    p = csub.add_parser(
        "revoke",
        help="mark a code that did not work as unusable",
        description=cmd_revoke.__doc__,
        parents=common,
    )
    p.add_argument("code", help="the code")
    p.set_defaults(func=cmd_revoke)

    p = csub.add_parser(
        "reissue",
        help="give a person a new code in place of theirs",
        description=cmd_reissue.__doc__,
        parents=common,
    )
    p.add_argument("user", help="the person's Slack user ID")
    p.add_argument(
        "--campaign", help="the campaign (default: the only one the person holds a code in)"
    )
    p.set_defaults(func=cmd_reissue)

    p = csub.add_parser(
        "export",
        help="who got which code when, as CSV, for audit",
        description=cmd_export.__doc__,
        parents=common,
    )
    p.add_argument("campaign", help="the campaign's name")
    p.add_argument("file", help="the CSV file to write")
    p.set_defaults(func=cmd_export)


def _now() -> datetime:
    return datetime.now(UTC)


def _unknown(store, name: str) -> str:
    """'no campaign named X: did you mean Y? (campaigns: …)'."""
    names = [c.name for c in store.campaigns()]
    hint = did_you_mean(name, names)
    listing = ", ".join(f"'{n}'" for n in names) or "none yet"
    return (
        f"no campaign named '{name}'" + (f": {hint}" if hint else "") + f" (campaigns: {listing})"
    )


def _campaign(store, name):
    campaign = store.campaign(name)
    if campaign is None:
        raise CliError(_unknown(store, name))
    return campaign


def _new_or_known(store, name: str, create: bool):
    """The named campaign, or None for a new one: a new name needs --create, so a typo never
    starts an empty campaign open to everyone."""
    campaign = store.campaign(name)
    if campaign is None and not create:
        raise CliError(f"{_unknown(store, name)}. To start a new campaign, add --create")
    if campaign is not None and create:
        raise CliError(f"a campaign named '{name}' already exists: leave out --create to change it")
    return campaign


def cmd_import(args) -> int:
    """Import promo codes from a CSV into a campaign, all or nothing. Codes are trimmed and
    de-duplicated (the count says how many rows were dropped and why); a header row naming
    the code column is skipped; a code already in the store stops the import. A new name
    needs --create: the new campaign opens now, to everyone, until you change it with
    `confbot credits campaign`."""
    if not os.path.isfile(args.file):
        what = "is a folder" if os.path.isdir(args.file) else "no such file"
        raise CliError(f"{args.file}: {what}: name a CSV of codes")
    try:
        codes_file = read_codes_file(args.file)  # before the database: a bad file creates nothing
    except CodesFileError as exc:
        raise ContentError(f"not imported, nothing changed: {exc}") from None
    store = open_store(args, create=args.create)
    _new_or_known(store, args.campaign, args.create)
    numbered = codes_file.codes
    try:
        campaign, added = store.import_codes(args.campaign, [code for _, code in numbered], _now())
    except DuplicateCode as exc:
        line = numbered[exc.index - 1][0]
        raise ContentError(
            f"not imported, nothing changed: {args.file}: line {line}: this code is already in the store"
        ) from None
    header = f" (header '{codes_file.header}' skipped)" if codes_file.header else ""
    print(f"{args.file}: {codes_file.summary(added)}{header}.")
    print(
        f"{'Started' if args.create else 'Added to'} {campaign.name}: {campaign.codes_left} of {campaign.codes_total} codes unclaimed."
    )
    return 0


def _moment(text: str, zone, option: str) -> datetime:
    if text.strip().lower() == "now":
        return _now()
    return time_option(text, zone, option)


def _settings(args, zone) -> dict[str, object]:
    """The campaign settings the options ask for, each checked."""
    settings: dict[str, object] = {}
    for name, option in (
        ("value", args.value),
        ("redeem_text", args.redeem),
        ("redeem_url", args.url),
    ):
        if option is not None:
            settings[name] = option
    if args.opens:
        settings["opens_at"] = _moment(args.opens, zone, "--opens")
    if args.closes:
        never = args.closes.strip().lower() == "never"
        settings["closes_at"] = None if never else _moment(args.closes, zone, "--closes")
    try:
        if args.channel:
            settings.update(
                eligibility="channel",
                eligible_channel=slack_ids(args.channel, "--channel", r"[CG][A-Z0-9]{6,}")[0],
            )
        elif args.allow:
            settings.update(
                eligibility="allowlist",
                allowlist=slack_ids(args.allow, "--allow", r"[UW][A-Z0-9]{6,}"),
            )
        elif args.everyone:
            settings.update(eligibility="everyone")
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    return settings


def cmd_campaign(args) -> int:
    """Show a campaign, or change its value, redeem text and link, open and close times, and
    who may claim (everyone, one channel's members, or a list of user IDs). A new name needs
    --create, so a typo never starts an empty campaign open to everyone."""
    store = open_store(args, create=args.create)
    existing = _new_or_known(store, args.campaign, args.create)
    credits = Credits(store)
    zone = credits.zone()
    settings = _settings(args, zone)
    opens = settings.get("opens_at", existing.opens_at if existing else _now())
    closes = settings.get("closes_at", existing.closes_at if existing else None)
    if closes is not None and closes <= opens:
        raise CliError(
            f"--closes: a campaign must close after it opens, and this one would open "
            f"{credits.when(opens)} and close {credits.when(closes)}: nothing changed"
        )
    if settings or existing is None:
        campaign = store.save_campaign(args.campaign, _now(), **settings)
    else:
        campaign = existing
    who = {
        "everyone": "everyone",
        "channel": f"members of {campaign.eligible_channel}",
        "allowlist": f"{len(campaign.allowlist)} listed people",
    }[campaign.eligibility]
    print(
        f"{campaign.name}: {campaign.value or '(no value set)'}; {campaign.codes_left} of {campaign.codes_total} codes left"
    )
    print(
        f"  opens {credits.when(campaign.opens_at)}; "
        + (
            f"closes {credits.when(campaign.closes_at)}"
            if campaign.closes_at
            else "no closing time"
        )
    )
    print(
        f"  for {who}; redeem: {' '.join(p for p in (campaign.redeem_text, campaign.redeem_url) if p) or '(not set)'}"
    )
    return 0


def cmd_stats(args) -> int:
    """Total, claimed and left per campaign, and claims per hour (in the event's time zone)."""
    store = open_store(args)
    credits = Credits(store)
    zone = event_zone(store)
    campaigns = [_campaign(store, args.campaign)] if args.campaign else store.campaigns()
    stats = [credits.stats(c) for c in campaigns]
    if args.json:
        for s in stats:
            s["claims_per_hour"] = [
                {"hour": utc_hour(h).astimezone(zone).isoformat(), "hour_utc": h, "claims": n}
                for h, n in s["claims_per_hour"]
            ]
        print(json.dumps(stats, indent=2))
        return 0
    if not stats:
        print("No campaigns yet: `confbot credits import CAMPAIGN FILE.csv --create` starts one.")
    for s in stats:
        print(f"{s['campaign']}: {s['total']} codes, {s['claimed']} claimed, {s['left']} left")
        if s["undelivered"]:
            print(
                f"  {s['undelivered']} claimed but not delivered yet (Slack failed): "
                "handed over when the person next writes to the bot"
            )
        for hour, n in s["claims_per_hour"]:
            print(f"  {local(utc_hour(hour), zone)}  {n} claimed")
    return 0


def cmd_revoke(args) -> int:
    """Mark a code as unusable (it did not work). Its holder can then claim a fresh one."""
    store = open_store(args)
    try:
        campaign, holder = store.revoke_code(args.code, _now())
    except ValueError as exc:
        raise CliError(str(exc)) from None
    who = f"; {holder} can claim a new one" if holder else ""
    print(f"Revoked a code of {campaign.name}{who}.")
    return 0


def _no_code(user: str, where: str) -> str:
    looks = (
        "" if re.fullmatch(r"[UW][A-Z0-9]{6,}", user) else " (Slack user IDs look like U0123ABCD)"
    )
    return f"{user} holds no promo code {where}{looks}: nothing to reissue"


def cmd_reissue(args) -> int:
    """Revoke a person's code and give them a new one; they see it when they ask again."""
    store = open_store(args)
    if args.campaign:
        campaign = _campaign(store, args.campaign)
        if not store.held_code(campaign.id, args.user):
            raise CliError(_no_code(args.user, f"of {campaign.name}"))
    else:
        held = [c for c in store.campaigns() if store.held_code(c.id, args.user)]
        if not held:
            raise CliError(_no_code(args.user, "in any campaign"))
        if len(held) > 1:
            names = ", ".join(f"'{c.name}'" for c in held)
            raise CliError(
                f"{args.user} holds codes in {len(held)} campaigns ({names}): name one with --campaign"
            )
        campaign = held[0]
    try:
        store.reissue(campaign.id, args.user, _now())
    except ValueError as exc:  # no codes left to give
        raise CliError(f"not reissued: {exc}") from None
    print(f"Reissued: {args.user} has a new {campaign.name} code; they see it with /conf credits.")
    return 0


def cmd_export(args) -> int:
    """Write who got which code when (and which were revoked) to a CSV, for audit."""
    store = open_store(args)
    campaign = _campaign(store, args.campaign)
    if os.path.isdir(args.file):
        raise CliError(f"{args.file} is a folder: name a file to write, like audit.csv")
    rows = store.claims(campaign.id)
    try:
        with open(args.file, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["code", "user_id", "claimed_at", "revoked", "revoked_at"])
            for r in rows:
                writer.writerow(
                    [
                        r["code"],
                        r["user_id"] or "",
                        r["claimed_at"] or "",
                        "yes" if r["revoked"] else "",
                        r["revoked_at"] or "",
                    ]
                )
    except OSError as exc:
        raise CliError(f"cannot write {args.file}: {exc.strerror}") from None
    claimed = sum(1 for r in rows if r["user_id"])
    print(f"Wrote {len(rows)} codes ({claimed} claimed) of {campaign.name} to {args.file}.")
    return 0
