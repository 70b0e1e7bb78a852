"""The code knows languages, not events: no venue, speaker or party name of the bundled
sample in bot/ (outside the sample itself), and every suggestion the bot makes is a question
it answers, on any loaded event."""

import ast
import re
import tomllib
from pathlib import Path

import pytest
from wordfreq import zipf_frequency

from bot.importers import SAMPLE_EVENT
from bot.understanding.normalize import normalize
from tests.question_sets import SETS, QuestionSet

BOT = Path(__file__).resolve().parent.parent / "bot"


def sample_names() -> set[str]:
    """Venue, speaker and party names of the sample, as people would write them, leaving
    out ordinary words ('Forum', 'airport') that any code may use."""
    doc = tomllib.loads(SAMPLE_EVENT.read_text(encoding="utf-8"))
    names: set[str] = set()
    for v in doc["venues"]:
        names |= {v["name"], *v.get("aliases", [])}
    for s in doc.get("speakers", []):
        names |= {s["name"], *s.get("aliases", [])}
    for item in doc["schedule"]:
        if item.get("kind") == "party":
            names |= {item["title"], *item.get("aliases", [])}
    out = set()
    for name in names:
        words = re.findall(r"\w+", normalize(name))  # "re:Play" is one word, "replay"
        if len(name) < 4 or not words:
            continue
        coined = re.search(r"\w[:\-]\w", name)  # "re:Play": a name, whatever its words
        if all(zipf_frequency(w, "en") >= 3.5 for w in words) and not coined:
            continue  # everyday words ('forum', 'peter', 'closing party'): not a name by itself
        out |= {name.lower()} if coined else {name.lower(), normalize(name)}
    return out


def literals_and_names(path: Path) -> list[tuple[int, str]]:
    """String literals (docstrings aside) and identifiers of one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.append((node.lineno, node.value))
        elif isinstance(node, ast.Name):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.append((node.lineno, node.name))
    return found


def test_no_sample_event_name_in_the_code_or_the_catalogs():
    names = sample_names()
    assert {"the venetian", "werner vogels", "re:play", "mandalay bay"} <= names
    patterns = {n: re.compile(rf"(?<!\w){re.escape(n)}(?!\w)") for n in names}
    hits = []
    for path in sorted(BOT.rglob("*.py")):
        for line, text in literals_and_names(path):
            low = text.lower().replace("_", " ")
            hits += [
                f"{path.relative_to(BOT)}:{line}: {n!r}"
                for n, p in patterns.items()
                if p.search(low)
            ]
    for path in sorted((BOT / "lang").glob("*.toml")):
        for n, p in patterns.items():
            if p.search(path.read_text(encoding="utf-8").lower()):
                hits.append(f"{path.relative_to(BOT)}: {n!r}")
    assert not hits, "event names in bot/:\n" + "\n".join(hits)


def test_the_scan_finds_a_name_when_there_is_one(tmp_path):
    """The scan above can fail: a literal naming the sample's venue is found."""
    module = tmp_path / "m.py"
    module.write_text(
        '"""Docstrings may say The Venetian."""\nEXAMPLE = "Where is The Venetian?"\n'
    )
    found = [text for _, text in literals_and_names(module)]
    assert "Where is The Venetian?" in found and "Docstrings may say The Venetian." not in found


@pytest.fixture(
    scope="module", params=[p for p in SETS if "heldout" not in p.parts], ids=lambda p: p.name
)
def event(request, tmp_path_factory):
    qset = QuestionSet.read(request.param)
    concierge = qset.concierge(tmp_path_factory.mktemp("event") / "q.db")
    now = (
        __import__("datetime")
        .datetime.fromisoformat(qset.default_now)
        .replace(tzinfo=concierge.store.event().zone)
    )
    yield concierge, now
    concierge.store.close()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_suggestion_and_help_example_is_answered(event, language):
    concierge, now = event
    asked = "help" if language == "en" else "도움말"
    help_answer = concierge.ask(asked, now, record=False)
    unsure = concierge.ask(
        "where can I rent a jetski?" if language == "en" else "제트스키 빌리는 곳?",
        now,
        record=False,
    )
    assert help_answer.intent == "help" and help_answer.suggestions and unsure.suggestions
    questions = set(help_answer.suggestions) | set(unsure.suggestions)
    questions |= {line[3:-1] for line in help_answer.text.splitlines() if line.startswith("• _")}
    assert len(questions) >= 4
    for question in sorted(questions):
        answer = concierge.ask(question, now, record=False)
        assert answer.confident, f"suggested {question!r}, then: {answer.text[:200]!r}"
