"""Every interface string is in the catalogs: Swedish msgids, a complete English catalog."""

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "consult" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def extracted_ids(tmp_path) -> set:
    """Msgids in the code and templates, extracted as the README says (mapping paths are
    relative to the repository root)."""
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(TRANSLATIONS / "babel.cfg"),
            "-k",
            "_l",
            "-o",
            str(pot),
            str(ROOT),
        ]
    )
    with pot.open("rb") as handle:
        ids = {message.id for message in read_po(handle) if message.id}
    assert len(ids) > 100, "extraction found almost nothing: check babel.cfg's paths"
    return ids


def english() -> dict:
    with PO.open("rb") as handle:
        return {message.id: message for message in read_po(handle) if message.id}


def test_every_interface_string_has_an_english_translation(tmp_path):
    catalog = english()
    missing = [
        mid
        for mid in extracted_ids(tmp_path)
        if mid not in catalog or not _translated(catalog[mid]) or catalog[mid].fuzzy
    ]
    assert missing == [], f"untranslated: {missing[:10]} (run pybabel extract/update)"


def _key(value):
    """Plural entries come as lists from .mo files and tuples from .po files."""
    return value if isinstance(value, str) else tuple(value)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def test_compiled_catalog_matches_the_po_file():
    with MO.open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(mid): _key(m.string) for mid, m in english().items() if not m.fuzzy}
    assert compiled == source, "run: pybabel compile -d consult/translations"
