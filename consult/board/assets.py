"""The board's static assets: plotly.js from the installed ``plotly`` package, and the
board's own script and stylesheet, served under a content hash so browsers may keep them
for a year.

plotly.js would inject its stylesheet as inline ``<style>`` elements, which the CSP
(``style-src 'self'``) blocks. Instead its rules are copied into ``board.css`` and the
pages carry empty marker elements with the ids plotly checks before injecting
(``style_guard_ids``), so it injects nothing.
"""

import gzip
import hashlib
import re
from functools import cache
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
STATIC = Path(__file__).resolve().parent.parent / "static"
ASSETS = {
    "plotly.min.js": PLOTLY_JS,
    "board.js": STATIC / "board.js",
    "board.css": STATIC / "board.css",
}
MIMETYPES = {".js": "text/javascript", ".css": "text/css"}
ONE_YEAR = 365 * 24 * 3600
#: plotly.js skips its inline styles when this element exists and has this class.
PLOTLY_GLOBAL_STYLE = "plotly.js-style-global"
NO_INLINE_STYLES = "no-inline-styles"
#: A bundled stylesheet injected at load time unless an element with its id exists.
_INJECTED_STYLE = re.compile(
    rb'getElementById\("([0-9a-f]{16,64})"\)\)\{var \w+=document\.createElement\("style"\)'
)


def _stamp(name: str) -> tuple[Path, int]:
    path = ASSETS[name]
    return path, path.stat().st_mtime_ns


def digest(name: str) -> str:
    """A short content hash of the asset (recomputed when the file changes)."""
    return _digest(*_stamp(name))


@cache
def _digest(path: Path, _mtime: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def content(name: str, gzipped: bool) -> bytes:
    """The asset's bytes, gzip-compressed (once, then kept) when the browser accepts it."""
    return _content(*_stamp(name), gzipped)


@cache
def _content(path: Path, _mtime: int, gzipped: bool) -> bytes:
    data = path.read_bytes()
    return gzip.compress(data, 9, mtime=0) if gzipped else data


def mimetype(name: str) -> str:
    return MIMETYPES[Path(name).suffix]


@cache
def style_guard_ids() -> tuple[str, ...]:
    """Ids of the elements that stop plotly.js from injecting inline ``<style>``."""
    bundled = _INJECTED_STYLE.findall(PLOTLY_JS.read_bytes())
    return (PLOTLY_GLOBAL_STYLE, *(found.decode() for found in bundled))
