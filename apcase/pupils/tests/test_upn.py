import pytest

from apcase.pupils.upn import InvalidUPN, check_letter, is_valid_upn, parse_upn, with_check_letter


def test_a_upn_with_the_right_check_letter_is_accepted():
    # The worked example in the DfE data standard's published validators.
    upn = parse_upn("B801200005001")
    assert upn.value == "B801200005001"
    assert not upn.is_temporary


def test_spaces_and_lower_case_are_tidied_before_checking():
    assert parse_upn(" b8012 0000 5001 ").value == "B801200005001"


def test_a_upn_with_the_wrong_check_letter_is_refused_with_the_right_letter_named():
    with pytest.raises(InvalidUPN, match="should be B"):
        parse_upn("A801200005001")


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
