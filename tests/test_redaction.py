"""Personal data is removed from free text before the board can read it."""

import pytest

from consult.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mitt personnummer är 850709-9805.", "Mitt personnummer är [personnummer]."),
        ("pnr 198507099805 tack", "pnr [personnummer] tack"),
        ("Född 19850709-9805", "Född [personnummer]"),
        ("samordningsnr 850769-9801", "samordningsnr [personnummer]"),
        ("Ring 070-123 45 67!", "Ring [telefonnummer]!"),
        ("Ring +46 70 123 45 67", "Ring [telefonnummer]"),
        ("tel 0492-76 94 00", "tel [telefonnummer]"),
        ("eller 0046701234567", "eller [telefonnummer]"),
        ("Mejla anna.svensson+x@vimmerby.se nu", "Mejla [e-postadress] nu"),
        ("Jag bor på Storgatan 12B i stan", "Jag bor på [adress] i stan"),
        ("Bilen ABC 123 står fel", "Bilen [registreringsnummer] står fel"),
    ],
)
def test_personal_data_is_replaced_by_markers(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Vi behöver 20 nya bostäder före 2030.",
        "Bussen går 07.15 och 16.40.",
        "Betyg 8 av 10, ungefär 1500 kr i månaden.",
        "Mellan 2019 och 2024 blev det bättre.",
        "Vägen mellan Vimmerby och Södra Vi behöver cykelbana.",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text
