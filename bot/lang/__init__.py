"""The languages the bot speaks: one catalog file per language in this folder.

A catalog (``en.toml``, ``ko.toml``) holds that language's category words (concepts), what
people ask about a thing (attributes), words that name nothing (plain), everyday synonyms,
text-speak (slang), Babel date patterns and every sentence the bot says (messages). A new
language is a new file; the code names no language but English, the fallback.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
DEFAULT = "en"
LANGUAGES: tuple[str, ...] = tuple(sorted(p.stem for p in FOLDER.glob("*.toml"))) or (DEFAULT,)


@dataclass(frozen=True)
class Catalog:
    """One language's words and sentences."""

    code: str
    name: str
    locale: str
    script: re.Pattern[str] | None
    formats: dict[str, str]
    slang: dict[str, str]
    endings: tuple[str, ...]  # cut from the end of a word (Korean particles), longest first
    plain: frozenset[str]
    concepts: dict[str, tuple[str, ...]]
    attributes: dict[str, tuple[str, ...]]
    synonyms: dict[str, tuple[str, ...]]  # named groups, shared across languages
    messages: dict[str, str]
    places: dict[str, tuple[str, ...]]  # words that mark a place as origin, goal or nearby
    zones: dict[str, str]  # everyday place names for time zones ("east coast")
    greetings: frozenset[str]  # a message that only greets or asks for help
    handoff: tuple[str, ...]  # a message that asks for a person rather than the bot
    thanks: frozenset[str]  # a message that only thanks or agrees ("thanks!", "ok")
    properties: frozenset[str]  # synonym groups that ask what a record may not say
    numeric: frozenset[str]  # …of which those only a number answers (a price, a count)
    objects: frozenset[str]  # …of which those the FAQ answers for any thing (lost and found)
    persons: frozenset[str]  # groups that name people, never such a thing
    exact: frozenset[str]  # …whose words are each their own thing ("kosher" is not "halal")
    kinds: dict[str, tuple[str, ...]]  # words that name a gathering concept itself
    particles: dict[str, tuple[str, str]]  # "이(가)": ("이", "가"): after a final consonant or not
    # A word that stands for other words: jargon ("k8s" -> "kubernetes") and, in another
    # language, the English words a catalog's names use ("쿠버네티스" -> "kubernetes").
    terms: dict[str, tuple[str, ...]] = None  # type: ignore[assignment]

    def t(self, key: str, **values: object) -> str:
        """A sentence in this language, filled in; English when this catalog lacks it."""
        template = self.messages.get(key)
        if template is None:
            template = catalog(DEFAULT).messages[key]
        if not values:
            return template
        text = _DOUBLE_STOP.sub(".", template.format(**values))  # "…while stocks last.."
        return _particles(text, self.particles) if self.particles else text


@cache
def catalog(code: str) -> Catalog:
    """The catalog of one language (read once)."""
    if code not in LANGUAGES:
        code = DEFAULT
    doc = tomllib.loads((FOLDER / f"{code}.toml").read_text(encoding="utf-8"))
    head = doc["language"]
    endings = tuple(sorted(doc.get("endings", {}).get("list", "").split(), key=len, reverse=True))
    return Catalog(
        code=code,
        name=head["name"],
        locale=head["locale"],
        script=re.compile(head["script"]) if head.get("script") else None,
        formats=doc["formats"],
        slang=doc.get("slang", {}),
        endings=endings,
        plain=frozenset(doc.get("plain", {}).get("words", "").split()),
        concepts={k: tuple(v) for k, v in doc.get("concepts", {}).items()},
        attributes={k: tuple(v) for k, v in doc.get("attributes", {}).items()},
        synonyms={k: tuple(v) for k, v in doc.get("synonyms", {}).items()},
        messages=doc["messages"],
        places={k: tuple(v) for k, v in doc.get("places", {}).items()},
        zones=doc.get("zones", {}),
        greetings=frozenset(doc.get("greetings", {}).get("words", [])),
        handoff=tuple(doc.get("handoff", {}).get("words", [])),
        thanks=frozenset(doc.get("thanks", {}).get("words", [])),
        properties=frozenset(doc.get("properties", {}).get("names", [])),
        numeric=frozenset(doc.get("properties", {}).get("numeric", [])),
        objects=frozenset(doc.get("properties", {}).get("objects", [])),
        persons=frozenset(doc.get("properties", {}).get("persons", [])),
        exact=frozenset(doc.get("properties", {}).get("exact", [])),
        kinds={k: tuple(v) for k, v in doc.get("kinds", {}).items()},
        particles={k: tuple(v) for k, v in doc.get("particles", {}).items()},
        terms={k: tuple(v.split()) for k, v in doc.get("terms", {}).items()},
    )


def catalogs() -> list[Catalog]:
    return [catalog(code) for code in LANGUAGES]


def detect(text: str) -> str:
    """The language a question is written in: the first language whose script it uses."""
    for cat in catalogs():
        if cat.script is not None and cat.script.search(text):
            return cat.code
    return DEFAULT


_DOUBLE_STOP = re.compile(r"(?<![.])[.]{2}(?![.])|(?<=[?!])[.]")
_HANGUL_SYLLABLES = (0xAC00, 0xD7A3)


def _particles(text: str, forms: dict[str, tuple[str, str]]) -> str:
    """A Korean particle that depends on the word before it: 이(가) after a name becomes 이
    when the name ends in a final consonant (행사이 -> no: 빙고가, 점심이). After a word
    that is not Hangul (an English name) the written choice stays."""
    for written, (after_consonant, after_vowel) in forms.items():
        if written not in text:
            continue
        out, last = [], 0
        for m in re.finditer(re.escape(written), text):
            before = text[: m.start()].rstrip("*_`')]\" ")
            ch = before[-1:] if before else ""
            if ch and _HANGUL_SYLLABLES[0] <= ord(ch) <= _HANGUL_SYLLABLES[1]:
                batchim = (ord(ch) - _HANGUL_SYLLABLES[0]) % 28 != 0
                choice = after_consonant if batchim else after_vowel
            else:
                choice = written
            out.append(text[last : m.start()] + choice)
            last = m.end()
        out.append(text[last:])
        text = "".join(out)
    return text
