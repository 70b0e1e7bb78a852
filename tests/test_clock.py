"""Times in what people type, relative to the event clock, including dateparser's gaps."""

from datetime import date, datetime

import dateparser
import pytest

from bot.clock import demo_clock, fmt_time, parse_when
from bot.models import Event
from tests.conftest import SEOUL, VEGAS, vegas

EVENT = Event("re:Invent", "America/Los_Angeles", date(2023, 11, 26), date(2023, 12, 1))
WEDNESDAY = vegas("2023-11-29T09:00")


@pytest.mark.parametrize(
    ("text", "day", "clock", "part"),
    [
        ("where is lunch today", "2023-11-29", None, None),
        ("anything tonight?", "2023-11-29", None, "evening"),
        ("tomorrow morning", "2023-11-30", None, "morning"),
        ("thursday at 5", "2023-11-30", "17:00", None),
        ("lunch on thursday", "2023-11-30", None, None),
        ("monday's keynote", "2023-11-27", None, None),  # this week's Monday, not next week's
        ("next wednesday", "2023-12-06", None, None),
        ("at 5pm", "2023-11-29", "17:00", None),
        ("in 2 hours", "2023-11-29", "11:00", None),
        ("dec 1", "2023-12-01", None, None),
        ("오늘", "2023-11-29", None, None),
        ("내일", "2023-11-30", None, None),
        ("내일 아침", "2023-11-30", None, "morning"),
        ("목요일", "2023-11-30", None, None),
        ("오후 3시", "2023-11-29", "15:00", "afternoon"),
        ("내일 오후 3시", "2023-11-30", "15:00", "afternoon"),
        ("다음 주 월요일", "2023-12-04", None, None),
        ("30분 후", "2023-11-29", "09:30", None),
        ("tmrw 8am", "2023-11-30", "08:00", None),
        ("lunch on 11/30", "2023-11-30", None, None),
        ("12월 1일 일정", "2023-12-01", None, None),
        ("on the 30th", "2023-11-30", None, None),  # via dateparser
        ("1st of december", "2023-12-01", None, None),
    ],
)
def test_times_in_text(text, day, clock, part):
    when = parse_when(text, WEDNESDAY, EVENT)
    assert when is not None and when.day.isoformat() == day
    assert (when.moment.strftime("%H:%M") if when.moment else None) == clock
    assert when.part == part


def test_dateparser_gaps_we_cover():
    """The cases dateparser alone gets wrong; if it ever fixes them, this says so."""
    settings = {"RELATIVE_BASE": WEDNESDAY.replace(tzinfo=None)}
    lost_time = dateparser.parse("내일 오후 3시", languages=["en", "ko"], settings=settings)
    assert lost_time is None or lost_time.hour != 15
    assert dateparser.parse("다음 주 월요일", languages=["en", "ko"], settings=settings) is None


def test_no_time_words_means_no_time():
    assert parse_when("where do i get my hoodie", WEDNESDAY, EVENT) is None
    assert parse_when("the 5k", WEDNESDAY, EVENT) is None


def test_now():
    assert parse_when("what's on now", WEDNESDAY, EVENT).is_now
    assert parse_when("지금 뭐해", WEDNESDAY, EVENT).is_now


def test_times_show_the_askers_zone_too():
    assert (
        fmt_time(vegas("2023-12-01T08:30"), VEGAS, SEOUL) == "8:30 AM PST (1:30 AM KST on Saturday)"
    )
    assert fmt_time(vegas("2023-12-01T08:30"), VEGAS, VEGAS) == "8:30 AM PST"


def test_demo_clock_moves_into_the_event_week():
    real = [datetime(2026, 11, 25, 14, 0, tzinfo=VEGAS)]  # a Wednesday
    clock, demo = demo_clock(EVENT, lambda: real[0])
    assert demo
    assert clock() == vegas("2023-11-29T14:00")
    real[0] = real[0].replace(minute=30)  # and it runs at real speed
    assert clock() == vegas("2023-11-29T14:30")
    _, during = demo_clock(EVENT, lambda: vegas("2023-11-28T10:00"))
    assert not during
