"""Stage 1: raw Slack text -> plain lower-case text, the same way for questions and names.

Slack markup (mentions, channel links, <url|label> links), emoji codes, formatting marks and
control characters go, and Slack's escapes (&amp; &lt; &gt;) are read as the characters typed; contractions are spelled out ("what's on" -> "what is on"), and
punctuation inside a word is dropped, so "re:Play", "Wi-Fi" and "T-shirt" read as "replay",
"wifi" and "tshirt" whichever way they are written.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION = 2000  # longer messages are cut: nobody asks a hallway question in 40,000 chars

_SLACK_USER = re.compile(r"<[@!][^>]*>")
_SLACK_CHANNEL = re.compile(r"<#[A-Z0-9]+\|?([^>]*)>")
_SLACK_LINK = re.compile(r"<(?:https?|mailto):[^|>]*\|([^>]*)>|<(?:https?|mailto):[^>]*>")
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-]+:")
# Bare Hangul letters outside syllables: texting's ㅠㅠ ㅋㅋ ㅎㅎ (tears, laughter), no words
_BARE_JAMO = re.compile(r"[\u1100-\u11ff\u3131-\u318e]+")
_FORMATTING = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)")
# ASCII control characters and symbols (Unicode categories C and S) but $ % + # @ &.
_ASCII_NOISE = re.compile(r"[\x00-\x1f\x7f<=>^|~]")
_INNER_PUNCT = re.compile(r"(?<=[^\W\d_])[:\-.·](?=[^\W\d_])")
# Contractions spelled out, in one pass: "what's on" -> "what is on", "can't" -> "can not";
# any other 's is a possessive ("Werner's keynote") and goes.
_CONTRACTION = re.compile(
    r"\b(what|where|when|who|how|it|that|there|here|everything)'s\b"
    r"|\b(can|won)'t\b|n't\b|'(re|ll|ve|m|d)\b|'s\b|'"
)
_SPELLED = {"re": " are", "ll": " will", "ve": " have", "m": " am", "d": " would"}


def _spell(m: re.Match[str]) -> str:
    if m.group(1):
        return f"{m.group(1)} is"
    if m.group(2):
        return "can not" if m.group(2) == "can" else "will not"
    if m.group(0) == "n't":
        return " not"
    if m.group(3):
        return _SPELLED[m.group(3)]
    return ""


def strip_markup(raw: str) -> str:
    """Slack markup, emoji and control characters out; case kept (names are capitalized)."""
    text = unicodedata.normalize("NFKC", raw[:MAX_QUESTION])
    text = _SLACK_USER.sub(" ", text)
    text = _SLACK_CHANNEL.sub(r" \1 ", text)
    text = _SLACK_LINK.sub(lambda m: f" {m.group(1) or ''} ", text)
    # What Slack escapes in what people type ("Q&amp;A"): read as typed, once markup is gone
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _EMOJI_CODE.sub(" ", text)
    text = _BARE_JAMO.sub(" ", text)
    if text.isascii():  # the common case, without a look at every character's category
        text = _ASCII_NOISE.sub(" ", text)
    else:
        text = "".join(
            ch if (unicodedata.category(ch)[0] not in {"C", "S"} or ch in "$%+#@&") else " "
            for ch in text
        )
    return _FORMATTING.sub(" ", text)


def normalize(raw: str) -> str:
    """Lower-cased plain text for matching."""
    text = strip_markup(raw).lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    if "'" in text:
        text = _CONTRACTION.sub(_spell, text)
    text = _INNER_PUNCT.sub("", text)
    return re.sub(r"\s+", " ", text).strip()
