"""Unique Pupil Numbers (DfE data standard "Unique Pupil Number" v2.0).

A UPN is 13 characters: a check letter, the 3-digit LA number, the 4-digit establishment
number, the last 2 digits of the year it was allocated, and a 3-digit serial. A
*temporary* UPN ends in a letter instead of the last serial digit. The check letter is
the weighted sum (weights 2 to 13 for characters 2 to 13) modulo 23, mapped to the
alphabet without I, O and S; a temporary UPN's final letter counts as its value in
that same alphabet.

Characters 2 to 4 of a permanent UPN must be a real DfE local authority number (the
school census refuses one that is not: validation error 1530). The numbers are data,
`data/la_numbers.csv`, with their source: today's English LAs, English LAs since
reorganised (their numbers stay in the UPNs they allocated), Welsh LAs (Wales allocates
UPNs in the same format) and DfE's service and offshore establishment numbers. A
temporary UPN keeps its own rule (shape and check letter only): it is replaced by a
permanent UPN, and is never returned in the census."""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
_SHAPE = re.compile(rf"^[{CHECK_ALPHABET}]\d{{11}}[\d{CHECK_ALPHABET}]$")
LA_NUMBERS_FILE = Path(__file__).parent / "data" / "la_numbers.csv"


class InvalidUPN(ValueError):
    pass


@dataclass(frozen=True)
class UPN:
    value: str

    @property
    def is_temporary(self) -> bool:
        return self.value[-1].isalpha()

    @property
    def la_number(self) -> str:
        return self.value[1:4]


@dataclass(frozen=True)
class LANumber:
    number: str
    name: str
    status: str  # current, former, wales or overseas


@cache
def la_numbers() -> dict[str, LANumber]:
    """The DfE local authority numbers a UPN may carry, from `data/la_numbers.csv`."""
    with LA_NUMBERS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {
            row["la_number"]: LANumber(row["la_number"], row["name"], row["status"]) for row in rows
        }


def normalise(raw: str) -> str:
    return "".join(raw.split()).upper()


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it."""
    total = 0
    for weight, char in enumerate(body, start=2):
        total += weight * (int(char) if char.isdigit() else CHECK_ALPHABET.index(char))
    return CHECK_ALPHABET[total % 23]


def with_check_letter(body: str) -> str:
    """A full UPN for 12 characters (used to make demo and test data)."""
    return check_letter(body) + body


# The example shown in messages and hints: computed, so its check letter is right
# (826 is Milton Keynes).
EXAMPLE_UPN = with_check_letter("826200005001")


def parse_upn(raw: str) -> UPN:
    """A valid UPN, or InvalidUPN with a message a school administrator can act on."""
    value = normalise(raw or "")
    if len(value) != 13:
        raise InvalidUPN(f"Enter a UPN of 13 characters, for example {EXAMPLE_UPN}.")
    if not _SHAPE.match(value):
        raise InvalidUPN(
            "Enter a UPN as a letter, 11 digits, then a digit (or a letter for a temporary "
            "UPN). The letters I, O and S are never used."
        )
    expected = check_letter(value[1:])
    if value[0] != expected:
        raise InvalidUPN(
            f"The UPN’s check letter is wrong: for {value[1:]} it should be {expected}. "
            "Check the number against the pupil’s record."
        )
    upn = UPN(value)
    if not upn.is_temporary and upn.la_number not in la_numbers():
        raise InvalidUPN(
            f"The UPN’s characters 2 to 4 ({upn.la_number}) are not a local authority "
            "number, so the school census would refuse it. Check the number against the "
            "pupil’s record or their common transfer file."
        )
    return upn


def is_valid_upn(raw: str) -> bool:
    try:
        parse_upn(raw)
    except InvalidUPN:
        return False
    return True
