"""Strip wire slugs and outlet furniture from a headline, so that they do not sway its topic.

Wire services and websites wrap headlines in text that says how a story was filed or where it
was published, not what it is about: ``"UPDATE 2-Oil climbs as OPEC cuts output - Reuters"``
is about oil, and a model that learns "update" or "reuters" as evidence of a topic only learns
which desk or outlet its training data came from. :func:`strip_furniture` removes such text,
by explicit rules, and only at the very start or the very end of a headline:

**Leading editorial-status slugs** (:data:`WIRE_SLUGS`, :data:`NUMBERED_WIRE_SLUGS`,
:data:`COLON_SLUGS`), case as the services write them:

- wire slugs in capitals, each followed by ``-`` or ``:`` with or without spaces around it
  (``"UPDATE 2-"``, ``"UPDATE 1 - "``, ``"REFILE-"``, ``"FACTBOX:"``): ``UPDATE`` and
  ``WRAPUP`` with an optional number (``"UPDATE1-"``, ``"WRAPUP 2-"``), ``REFILE``, ``RPT``,
  ``REPEAT``, ``CORRECTED`` (also ``"CORRECTED (OFFICIAL)-"``, ``"CORRECTED(OFFICIAL)-"``,
  ``"CORRECTED - OFFICIAL-"``, ``"CORRECTED OFFICIAL-"`` and ``"OFFICIAL-CORRECTED-"``),
  ``CORRECTION``, ``EXCLUSIVE``, ``FACTBOX``, ``ANALYSIS``, ``INTERVIEW``, ``PREVIEW``,
  ``TIMELINE``, ``SPECIAL REPORT``, ``INSIGHT``, ``BRIEF``, ``URGENT``, ``Q+A``;
- chains of them, each ended by its separator or joined by spaces before one separator:
  ``"RPT-UPDATE 1-"``, ``"REFILE-CORRECTED-UPDATE 2-"``, ``"RPT UPDATE 2-"``;
- web labels ended by a colon (:data:`COLON_SLUGS`): ``"BREAKING:"``, ``"Breaking:"``,
  ``"BREAKING NEWS:"``, ``"Breaking news:"``, ``"LIVE:"``, ``"Live:"``, ``"LIVE UPDATES:"``,
  ``"Live updates:"``, ``"Watch:"``, ``"WATCH:"``, ``"Watch live:"``, ``"VIDEO:"``,
  ``"Video:"``, ``"In pictures:"``, ``"Xinhua Headlines:"`` (also ``"Xinhua Headlines-"``),
  and the capitalised colon forms of the wire slugs (``"Exclusive:"``, ``"Factbox:"``,
  ``"Analysis:"``, ...). A web label needs its colon: "Live music returns to Kyiv" and
  "Watch-makers gather in Basel" stay as they are.

A slug is only a slug at the start and with its separator: "UPDATE on Brexit talks" stays.

**Trailing outlet names and attributions** (:data:`OUTLETS`, :data:`ATTRIBUTIONS`,
:data:`LIVE_TAILS`): a separator -- ``-``, ``–`` or ``—`` with whitespace on at least one
side, or ``|`` -- followed by one of these at the very end (trailing whitespace aside), as
often as they repeat (``" - live updates - BBC News"``):

- general-news outlets and agencies, as they sign headlines (``" - Reuters"``,
  ``" | AP News"``, ``" - BBC News"``, ``" - The New York Times"``, ``" | CNN"``,
  ``" - The Guardian"``, ...);
- wire attribution words (``" -source"``, ``" - sources"``, ``" -paper"``, ``" - report"``,
  ``"- media"``, ...);
- live-page furniture (``" - live updates"``, ``" – live"``, ``" – as it happened"``, ...).

Anything else after a dash stays: "Oil - the new gold", "Climate panel issues damning
report", "Market falls - CEO". A dash with no space on either side ("deal-sources") is kept
too: it cannot be told from a compound ("open-source", "commercial-paper").

**Kept on purpose**: topical desk slugs ("FOREX-", "GLOBAL MARKETS-", "US STOCKS-",
"METALS-", "SOCCER-", "Ukraine war:") and specialist outlets ("ESPN", "Yahoo Finance",
"POLITICO", "Gizmodo"): they carry topic words, and the model may weigh them.

Leading slugs are removed first, then trailing furniture from what they leave: in
"REFILE - Reuters" the dash ends the slug, and "Reuters" is what is left. A headline with no
furniture is returned unchanged (the same object); otherwise what is left, stripped of
surrounding whitespace. If stripping would leave no text, the headline is returned as it is,
stripped of surrounding whitespace. The function is idempotent.

The rules are two precompiled regular expressions, both anchored: one matched at the start,
one matched at the start of the reversed headline (so the cost does not grow with the length
of the text before the tail, and no input makes it backtrack quadratically).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "ATTRIBUTIONS",
    "COLON_SLUGS",
    "LIVE_TAILS",
    "NUMBERED_WIRE_SLUGS",
    "OUTLETS",
    "WIRE_SLUGS",
    "strip_furniture",
]

#: Wire slugs that carry an optional update number ("UPDATE 2-", "UPDATE1-", "WRAPUP-").
NUMBERED_WIRE_SLUGS: Final = ("UPDATE", "WRAPUP")

#: Wire slugs (capitals), each ended by "-" or ":" (spaces around it allowed). ``CORRECTED``
#: also takes the "(OFFICIAL)" variants listed in the module docstring.
WIRE_SLUGS: Final = (
    "REFILE",
    "RPT",
    "REPEAT",
    "CORRECTED",
    "CORRECTION",
    "EXCLUSIVE",
    "FACTBOX",
    "ANALYSIS",
    "INTERVIEW",
    "PREVIEW",
    "TIMELINE",
    "SPECIAL REPORT",
    "INSIGHT",
    "BRIEF",
    "URGENT",
    "Q+A",
)

#: Labels ended by a colon (spaces after it allowed), case as written; "Xinhua Headlines"
#: also takes a dash.
COLON_SLUGS: Final = (
    "BREAKING",
    "Breaking",
    "BREAKING NEWS",
    "Breaking News",
    "Breaking news",
    "LIVE",
    "Live",
    "LIVE UPDATES",
    "Live updates",
    "Live Updates",
    "WATCH",
    "Watch",
    "WATCH LIVE",
    "Watch live",
    "Watch Live",
    "VIDEO",
    "Video",
    "In pictures",
    "In Pictures",
    "Xinhua Headlines",
    # The wire slugs as websites capitalise them.
    "Update",
    "Corrected",
    "Correction",
    "Exclusive",
    "Factbox",
    "Analysis",
    "Interview",
    "Preview",
    "Timeline",
    "Special report",
    "Insight",
)

#: General-news outlets and agencies as they sign headlines (case as written). Specialist
#: outlets (sport, business, technology, politics) are not here: their names are topical.
OUTLETS: Final = (
    "Reuters",
    "Reuters.com",
    "Reuters UK",
    "Reuters India",
    "Reuters Canada",
    "AP",
    "AP News",
    "Associated Press",
    "The Associated Press",
    "AFP",
    "Xinhua",
    "Kyodo",
    "Yonhap",
    "TASS",
    "BBC",
    "BBC News",
    "BBC.com",
    "CNN",
    "CNN.com",
    "The New York Times",
    "New York Times",
    "NYT",
    "The Guardian",
    "The Guardian US",
    "Guardian",
    "The Independent",
    "The Washington Post",
    "Washington Post",
    "The Times",
    "The Telegraph",
    "USA Today",
    "USA TODAY",
    "NPR",
    "PBS NewsHour",
    "NBC News",
    "CBS News",
    "ABC News",
    "Fox News",
    "Sky News",
    "CBC News",
    "Al Jazeera",
    "Al Jazeera English",
    "France 24",
    "FRANCE 24",
    "Euronews",
    "Yahoo News",
)

#: Wire attribution words: "Ford to buy unit -source" says who told, not what about.
ATTRIBUTIONS: Final = ("source", "sources", "paper", "papers", "newspaper", "report", "reports", "media")

#: Live-page furniture at the end of a headline.
LIVE_TAILS: Final = (
    "live",
    "Live",
    "LIVE",
    "live updates",
    "Live updates",
    "latest updates",
    "live coverage",
    "live blog",
    "follow live",
    "as it happened",
)


def _alternatives(words: tuple[str, ...]) -> str:
    """Return a regex alternation of the literal ``words``, longest first."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


_NUMBERED = rf"(?:{_alternatives(NUMBERED_WIRE_SLUGS)})(?: ?[0-9]{{1,2}})?"
_CORRECTED = r"(?:OFFICIAL ?- ?)?CORRECTED(?: ?-? ?\(OFFICIAL\)| - OFFICIAL| OFFICIAL)?"
_WIRE = rf"(?:{_NUMBERED}|{_CORRECTED}|{_alternatives(WIRE_SLUGS)})"
_PREFIX = re.compile(
    rf"\s*(?:(?:{_WIRE}(?:\s+{_WIRE})*\s*[-:]|(?:{_alternatives(COLON_SLUGS)}):|Xinhua Headlines-)\s*)+"
)

_TAILS = (*OUTLETS, *ATTRIBUTIONS, *LIVE_TAILS)
#: The tail rule, reversed: " - Reuters" at the end of a text is "sretueR - " at the start of
#: the reversed text. A separator is a bar, or a dash with whitespace on at least one side
#: (``\s+[-–—]\s*`` or ``[-–—]\s+``), or a dash that starts the text (what the slugs left of it):
#: then "-Reuters" is all furniture, as " -Reuters" is, and stripping whitespace changes nothing.
_REVERSED_SUFFIX = re.compile(
    rf"\s*(?:(?:{_alternatives(tuple(tail[::-1] for tail in _TAILS))})"
    r"(?:\s*\|\s*|\s*[-–—](?:\s+|\Z)|\s+[-–—]))+"
)
#: Fast check that a text (trailing whitespace aside) ends with some tail at all.
_TAIL_ENDINGS: Final = tuple(sorted(set(_TAILS)))
_match_prefix = _PREFIX.match
_match_reversed_suffix = _REVERSED_SUFFIX.match


def strip_furniture(text: str) -> str:
    """Remove leading wire slugs and trailing outlet names and attributions from a headline.

    The rules are listed in this module's docstring (:mod:`newsclf._model.furniture`).

    Parameters
    ----------
    text : str
        One headline.

    Returns
    -------
    str
        ``text`` itself if it holds no furniture; otherwise the rest, stripped of surrounding
        whitespace; ``text.strip()`` if nothing but furniture would be left.

    Examples
    --------
    >>> strip_furniture("RPT-UPDATE 1-Oil climbs as OPEC cuts output - Reuters")
    'Oil climbs as OPEC cuts output'
    >>> strip_furniture("FOREX-Dollar slips -sources")
    'FOREX-Dollar slips'
    >>> strip_furniture("Oil - the new gold")
    'Oil - the new gold'
    """
    prefix = _match_prefix(text)
    start = prefix.end() if prefix is not None else 0
    length = end = len(text)
    if text.rstrip().endswith(_TAIL_ENDINGS):  # rarely true: skips the reversed copy
        # Only what the prefix left: in "REFILE - Reuters" the dash belongs to the slug.
        suffix = _match_reversed_suffix(text[::-1], 0, length - start)
        if suffix is not None:
            end -= suffix.end()
    if start == 0 and end == length:
        return text
    return text[start:end].strip() or text.strip()
