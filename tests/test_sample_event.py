"""The bundled sample event holds together: every record inside the event, every reference
resolved, every estimate marked."""

from bot.importers.common import ESTIMATE_NOTE
from tests.conftest import vegas


def test_every_meal_and_schedule_item_falls_inside_the_event(sample_store):
    data = sample_store.load_event_data()
    first, last = data.event.first_day, data.event.last_day
    zone = data.event.zone
    assert (first.isoformat(), last.isoformat()) == ("2023-11-26", "2023-12-01")
    for meal in data.meals:
        assert first <= meal.start.astimezone(zone).date() <= last, meal.id
        assert meal.start < meal.end, meal.id
    for item in data.schedule:
        assert first <= item.start.astimezone(zone).date() <= last, item.id
        assert item.end is None or item.start <= item.end, item.id
    for t in data.transport:
        assert first <= t.day <= last and t.first_run < t.last_run, t.id


def test_every_venue_referenced_exists(sample_store):
    data = sample_store.load_event_data()
    ids = {v.id for v in data.venues}
    refs = [m.venue for m in data.meals] + [s.venue for s in data.schedule if s.venue]
    refs += [s.venue for s in data.swag if s.venue] + [v for t in data.transport for v in t.stops]
    refs += [r.origin for r in data.routes] + [r.destination for r in data.routes]
    assert set(refs) <= ids


def test_the_published_keynotes_are_there(sample_store):
    keynotes = {
        s.speaker: s.start for s in sample_store.load_event_data().schedule if s.kind == "keynote"
    }
    assert keynotes == {
        "Peter DeSantis": vegas("2023-11-27T19:30"),
        "Adam Selipsky": vegas("2023-11-28T08:00"),
        "Swami Sivasubramanian": vegas("2023-11-29T08:30"),
        "Werner Vogels": vegas("2023-11-30T08:30"),
    }


def test_every_record_cites_a_source_and_marks_estimates(sample_store):
    data = sample_store.load_event_data()
    records = data.venues + data.meals + data.transport + data.swag + data.schedule + data.faq
    assert all(r.source for r in records)
    assert all(
        any(seed in r.source for seed in ("000_", "001_", "002_", "003_", "004_")) for r in records
    )
    # Times no seed gives are marked; the ones the seeds do give are not.
    replay = next(s for s in data.schedule if s.id == "replay")
    assert ESTIMATE_NOTE in replay.notes
    expo_opening = next(s for s in data.schedule if s.id == "expo-mon")
    assert ESTIMATE_NOTE not in expo_opening.notes and expo_opening.start == vegas(
        "2023-11-27T16:00"
    )


def test_korean_aliases_for_the_main_venues(sample_store):
    venues = {v.id: v for v in sample_store.load_event_data().venues}
    assert "베네시안" in venues["venetian"].aliases
    assert "만달레이베이" in venues["mandalay-bay"].aliases
