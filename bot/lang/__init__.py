"""The languages the bot speaks: one catalog file per language in this folder.

A catalog (``en.toml``, ``ko.toml``) holds that language's category words, plain words and
answer templates. A new language is a new file; nothing in the code names a language except
English, the fallback.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent
DEFAULT = "en"
LANGUAGES: tuple[str, ...] = tuple(sorted(p.stem for p in FOLDER.glob("*.toml"))) or (DEFAULT,)
