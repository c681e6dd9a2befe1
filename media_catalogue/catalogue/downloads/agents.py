"""User agents: which are bots, which are Apple Watch duplicates, which app and platform a request came from.

The patterns live in data files beside this module (data/bots.txt, data/apps.txt, data/datacenters.txt), each naming
its source at the top; operators update them by editing the files, no code changes. Matching is case-insensitive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


def data_lines(name: str) -> list[str]:
    """The non-empty, non-comment lines of one data file."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True)
class App:
    name: str
    pattern: re.Pattern[str]


@cache
def _bots() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{line})" for line in data_lines("bots.txt")), re.IGNORECASE)


@cache
def _apps() -> tuple[App, ...]:
    apps = []
    for line in data_lines("apps.txt"):
        name, _, pattern = line.partition("|")
        apps.append(App(name.strip(), re.compile(pattern.strip(), re.IGNORECASE)))
    return tuple(apps)


# Apple Watch: the IAB Tech Lab's watchOS filtering guidance (October 2020) has members drop the downloads the
# watch makes on its own after syncing with the phone: Apple Podcasts on watchOS requests with "atc/" or
# "(null)/(null)" before a "watchOS/" token. Other watch apps are not named by the guidance and still count.
_WATCH = re.compile(r"^(?:atc/|\(null\)/\(null\)).*\bwatchOS/", re.IGNORECASE)

_PLATFORMS = (
    ("watchOS", re.compile(r"watchOS", re.IGNORECASE)),
    ("iOS", re.compile(r"iPhone|iPad|iOS|CFNetwork|AppleCoreMedia", re.IGNORECASE)),
    ("Android", re.compile(r"Android|okhttp|ExoPlayer|Dalvik", re.IGNORECASE)),
    ("macOS", re.compile(r"Macintosh|Mac OS X|macOS", re.IGNORECASE)),
    ("Windows", re.compile(r"Windows", re.IGNORECASE)),
    ("Linux", re.compile(r"Linux|X11", re.IGNORECASE)),
    ("Smart speaker", re.compile(r"Alexa|Echo|Sonos|GoogleHome|CrKey", re.IGNORECASE)),
)


def is_bot(user_agent: str) -> bool:
    """A crawler, monitor, downloader library or an empty user agent (nothing a listener's app sends)."""
    return not user_agent.strip() or bool(_bots().search(user_agent))


def is_watch(user_agent: str) -> bool:
    return bool(_WATCH.search(user_agent))


def app_of(user_agent: str) -> str:
    """The app that made the request, from data/apps.txt; 'Other' when none matches."""
    for app in _apps():
        if app.pattern.search(user_agent):
            return app.name
    return "Other"


def platform_of(user_agent: str) -> str:
    for name, pattern in _PLATFORMS:
        if pattern.search(user_agent):
            return name
    return "Other"
