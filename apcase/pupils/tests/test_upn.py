import csv
import re

import pytest

from apcase.pupils.forms import PupilForm
from apcase.pupils.upn import (
    EXAMPLE_UPN,
    LA_NUMBERS_FILE,
    InvalidUPN,
    check_letter,
    is_valid_upn,
    la_numbers,
    parse_upn,
    with_check_letter,
)


def test_a_upn_with_the_right_check_letter_is_accepted():
    # 801 is Bristol. Worked by hand: 8×2 + 0×3 + 1×4 + 2×5 + 0×6 + 0×7 + 0×8 + 0×9
    # + 5×10 + 0×11 + 0×12 + 1×13 = 93; 93 mod 23 = 1, the 2nd letter: B.
    upn = parse_upn("B801200005001")
    assert upn.value == "B801200005001"
    assert not upn.is_temporary


def test_spaces_and_lower_case_are_tidied_before_checking():
    assert parse_upn(" b8012 0000 5001 ").value == "B801200005001"


def test_a_upn_with_the_wrong_check_letter_is_refused_with_the_right_letter_named():
    with pytest.raises(InvalidUPN, match="should be B"):
        parse_upn("A801200005001")


def test_the_example_in_the_message_is_a_valid_upn():
    with pytest.raises(InvalidUPN) as refused:
        parse_upn("B80120000500")
    (example,) = re.findall(r"for example (\w{13})\.", str(refused.value))
    assert parse_upn(example).value == example
    # Worked by hand: 8×2 + 2×3 + 6×4 + 2×5 + 5×10 + 1×13 = 119; 119 mod 23 = 4: E.
    assert example == EXAMPLE_UPN == "E826200005001"


def test_the_example_in_the_form_hint_is_a_valid_upn():
    hint = str(PupilForm.base_fields["upn"].help_text)
    (example,) = re.findall(r"for example (\w{13})\.", hint)
    assert is_valid_upn(example)


@pytest.mark.parametrize("la", ["000", "100", "400", "999", "827"])
def test_a_permanent_upn_whose_characters_2_to_4_are_no_la_number_is_refused(la):
    upn = with_check_letter(f"{la}200005001")  # the check letter is right
    with pytest.raises(InvalidUPN, match=rf"\({la}\) are not a local authority number"):
        parse_upn(upn)


@pytest.mark.parametrize(
    ("la", "why"),
    [
        ("826", "Milton Keynes"),
        ("201", "City of London"),
        ("420", "Isles of Scilly"),
        ("943", "Westmorland and Furness, since 2023"),
        ("909", "Cumbria, reorganised in 2023: its UPNs stay valid"),
        ("681", "Cardiff: Welsh UPNs follow the same standard"),
    ],
)
def test_upns_from_real_local_authorities_are_accepted(la, why):
    assert is_valid_upn(with_check_letter(f"{la}200005001")), why


def test_a_temporary_upn_keeps_its_own_rule_whatever_its_la_number():
    assert parse_upn(with_check_letter("99920262600A")).is_temporary


def test_the_la_number_list_is_data_with_its_source():
    text = LA_NUMBERS_FILE.read_text(encoding="utf-8")
    assert "Get Information about Schools" in text
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    numbers = [row["la_number"] for row in rows]
    assert len(numbers) == len(set(numbers))
    assert all(re.fullmatch(r"\d{3}", n) for n in numbers)
    current = [row for row in rows if row["status"] == "current"]
    assert len(current) == 153  # England's local authorities since April 2023
    assert la_numbers()["826"].name == "Milton Keynes"


def test_a_temporary_upn_ending_in_a_letter_is_accepted_and_marked_temporary():
    temporary = with_check_letter("82620262600A")
    upn = parse_upn(temporary)
    assert upn.is_temporary
    # Its last letter counts in the check sum: A is 0, so changing it changes the check.
    assert check_letter("82620262600B") != check_letter("82620262600A")


def test_a_temporary_upn_with_a_wrong_check_letter_is_refused():
    good = with_check_letter("82620262600K")
    wrong = ("A" if good[0] != "A" else "B") + good[1:]
    assert not is_valid_upn(wrong)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "B80120000500",  # 12 characters
        "B8012000050011",  # 14 characters
        "B8012X0005001",  # a letter in the middle
        "I801200005001",  # I, O and S are never check letters
        "B80120000500S",  # nor the last letter of a temporary UPN
    ],
)
def test_malformed_upns_are_refused(raw):
    assert not is_valid_upn(raw)
