"""Unique Pupil Numbers (DfE data standard "Unique Pupil Number" v2.0).

A UPN is 13 characters: a check letter, the 3-digit LA number, the 4-digit establishment
number, the last 2 digits of the year it was allocated, and a 3-digit serial. A
*temporary* UPN ends in a letter instead of the last serial digit. The check letter is
the weighted sum (weights 2 to 13 for characters 2 to 13) modulo 23, mapped to the
alphabet without I, O and S; a temporary UPN's final letter counts as its value in
that same alphabet."""

import re
from dataclasses import dataclass

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
_SHAPE = re.compile(rf"^[{CHECK_ALPHABET}]\d{{11}}[\d{CHECK_ALPHABET}]$")


class InvalidUPN(ValueError):
    pass


@dataclass(frozen=True)
class UPN:
    value: str

    @property
    def is_temporary(self) -> bool:
        return self.value[-1].isalpha()


def normalise(raw: str) -> str:
    return "".join(raw.split()).upper()


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it."""
    total = 0
    for weight, char in enumerate(body, start=2):
        total += weight * (int(char) if char.isdigit() else CHECK_ALPHABET.index(char))
    return CHECK_ALPHABET[total % 23]


def parse_upn(raw: str) -> UPN:
    """A valid UPN, or InvalidUPN with a message a school administrator can act on."""
    value = normalise(raw or "")
    if len(value) != 13:
        raise InvalidUPN("Enter a UPN of 13 characters, for example A801200005001.")
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
    return UPN(value)


def is_valid_upn(raw: str) -> bool:
    try:
        parse_upn(raw)
    except InvalidUPN:
        return False
    return True


def with_check_letter(body: str) -> str:
    """A full UPN for 12 characters (used to make demo and test data)."""
    return check_letter(body) + body
