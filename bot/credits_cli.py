"""`confbot credits …`: campaigns, code imports, stats, revoke, reissue and the audit export."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime

from bot.clock import parse_iso
from bot.config import ConfigError, slack_ids
from bot.credits import CodesFileError, Credits, read_codes
from bot.store.credits import DuplicateCode


def add_parser(sub, open_store, cli_error) -> None:
    """Register `credits` and its subcommands on the top-level parser."""
    credits = sub.add_parser(
        "credits",
        help="promo credit codes: import, campaigns, stats, audit",
        description="Promo credit campaigns and codes.",
    )
    csub = credits.add_subparsers(dest="credits_command", metavar="SUBCOMMAND", required=True)

    def run(fn):
        def wrapped(args):
            return fn(args, open_store(args, load_sample=False), cli_error)

        wrapped.__doc__ = fn.__doc__
        return wrapped

    p = csub.add_parser(
        "import",
        help="import codes from a CSV into a campaign (created if new)",
        description=cmd_import.__doc__,
    )
    p.add_argument("campaign", help="the campaign's name")
    p.add_argument("file", help="a CSV with one code per row, or a 'code' column")
    p.set_defaults(func=run(cmd_import))

    p = csub.add_parser(
        "campaign", help="show or change a campaign's settings", description=cmd_campaign.__doc__
    )
    p.add_argument("campaign", help="the campaign's name")
    p.add_argument("--value", help="what a code is worth, e.g. '$25 AWS credit'")
    p.add_argument("--redeem", help="how to redeem it, in words")
    p.add_argument("--url", help="where to redeem it")
    p.add_argument("--opens", help="when claims open (ISO 8601; event zone without an offset)")
    p.add_argument("--closes", help="when claims close (ISO 8601), or 'never'")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--everyone", action="store_true", help="everyone in the workspace may claim")
    who.add_argument("--channel", help="only members of this channel ID may claim")
    who.add_argument("--allow", help="only these user IDs may claim (comma-separated)")
    p.set_defaults(func=run(cmd_campaign))

    p = csub.add_parser(
        "stats", help="total, claimed, left and claims per hour", description=cmd_stats.__doc__
    )
    p.add_argument("campaign", nargs="?", help="one campaign (default: all)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run(cmd_stats))

    p = csub.add_parser(
        "revoke", help="mark a code that did not work as unusable", description=cmd_revoke.__doc__
    )
    p.add_argument("code", help="the code")
    p.set_defaults(func=run(cmd_revoke))

    p = csub.add_parser(
        "reissue",
        help="give a person a new code in place of theirs",
        description=cmd_reissue.__doc__,
    )
    p.add_argument("user", help="the person's Slack user ID")
    p.add_argument(
        "--campaign", help="the campaign (default: the only one the person holds a code in)"
    )
    p.set_defaults(func=run(cmd_reissue))

    p = csub.add_parser(
        "export", help="who got which code when, as CSV, for audit", description=cmd_export.__doc__
    )
    p.add_argument("campaign", help="the campaign's name")
    p.add_argument("file", help="the CSV file to write")
    p.set_defaults(func=run(cmd_export))


def _now() -> datetime:
    return datetime.now(UTC)


def _campaign(store, name, cli_error):
    campaign = store.campaign(name)
    if campaign is None:
        names = ", ".join(c.name for c in store.campaigns()) or "none yet"
        raise cli_error(f"no campaign named '{name}' (campaigns: {names})")
    return campaign


def cmd_import(args, store, cli_error) -> int:
    """Import promo codes from a CSV into a campaign, all or nothing. Codes are trimmed and
    de-duplicated; a code already in the store stops the import. A new campaign opens now,
    to everyone, until you change it with `confbot credits campaign`."""
    try:
        numbered = read_codes(args.file)
        campaign, added = store.import_codes(args.campaign, [code for _, code in numbered], _now())
    except CodesFileError as exc:
        print(f"confbot: not imported, nothing changed: {exc}", file=sys.stderr)
        return 1
    except DuplicateCode as exc:
        line = numbered[exc.index - 1][0]
        print(
            f"confbot: not imported, nothing changed: {args.file}: line {line}: this code is already in the store",
            file=sys.stderr,
        )
        return 1
    print(
        f"Added {added} codes to {campaign.name}: {campaign.codes_left} of {campaign.codes_total} unclaimed."
    )
    return 0


def cmd_campaign(args, store, cli_error) -> int:
    """Show a campaign, or change its value, redeem text and link, open and close times, and
    who may claim (everyone, one channel's members, or a list of user IDs)."""
    zone = Credits(store).zone()
    settings: dict[str, object] = {}
    for name, option in (
        ("value", args.value),
        ("redeem_text", args.redeem),
        ("redeem_url", args.url),
    ):
        if option is not None:
            settings[name] = option
    try:
        if args.opens:
            settings["opens_at"] = parse_iso(args.opens, zone)
        if args.closes:
            settings["closes_at"] = None if args.closes == "never" else parse_iso(args.closes, zone)
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
    except (ValueError, ConfigError) as exc:
        raise cli_error(str(exc)) from None
    if settings or store.campaign(args.campaign) is None:
        campaign = store.save_campaign(args.campaign, _now(), **settings)
    else:
        campaign = store.campaign(args.campaign)
    credits = Credits(store)
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


def cmd_stats(args, store, cli_error) -> int:
    """Total, claimed and left per campaign, and claims per hour."""
    credits = Credits(store)
    campaigns = [_campaign(store, args.campaign, cli_error)] if args.campaign else store.campaigns()
    stats = [credits.stats(c) for c in campaigns]
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    if not stats:
        print("No campaigns yet: `confbot credits import CAMPAIGN FILE.csv` creates one.")
    for s in stats:
        print(f"{s['campaign']}: {s['total']} codes, {s['claimed']} claimed, {s['left']} left")
        if s["undelivered"]:
            print(
                f"  {s['undelivered']} claimed but not delivered yet (Slack failed): "
                "handed over when the person next writes to the bot"
            )
        for hour, n in s["claims_per_hour"]:
            print(f"  {hour}:00 UTC  {n}")
    return 0


def cmd_revoke(args, store, cli_error) -> int:
    """Mark a code as unusable (it did not work). Its holder can then claim a fresh one."""
    try:
        campaign, holder = store.revoke_code(args.code, _now())
    except ValueError as exc:
        raise cli_error(str(exc)) from None
    who = f"; {holder} can claim a new one" if holder else ""
    print(f"Revoked a code of {campaign.name}{who}.")
    return 0


def cmd_reissue(args, store, cli_error) -> int:
    """Revoke a person's code and give them a new one; they see it when they ask again."""
    if args.campaign:
        campaign = _campaign(store, args.campaign, cli_error)
    else:
        held = [c for c in store.campaigns() if store.held_code(c.id, args.user)]
        if len(held) != 1:
            raise cli_error(
                f"{args.user} holds codes in {len(held)} campaigns: name one with --campaign"
            )
        campaign = held[0]
    try:
        store.reissue(campaign.id, args.user, _now())
    except ValueError as exc:
        raise cli_error(str(exc)) from None
    print(f"Reissued: {args.user} has a new {campaign.name} code; they see it with /conf credits.")
    return 0


def cmd_export(args, store, cli_error) -> int:
    """Write who got which code when (and which were revoked) to a CSV, for audit."""
    campaign = _campaign(store, args.campaign, cli_error)
    rows = store.claims(campaign.id)
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
    claimed = sum(1 for r in rows if r["user_id"])
    print(f"Wrote {len(rows)} codes ({claimed} claimed) of {campaign.name} to {args.file}.")
    return 0
