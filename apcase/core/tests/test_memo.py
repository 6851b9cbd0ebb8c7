"""memo.per_page: an answer is read once inside one page's reads, and afresh outside."""

from apcase.core.memo import one_page, per_page, remembered


def _counted() -> tuple[list[int], object]:
    asked: list[int] = []

    @per_page(key=lambda n: n)
    def double(n: int) -> int:
        asked.append(n)
        return n * 2

    return asked, double


def test_inside_one_page_each_argument_is_read_once():
    asked, double = _counted()
    with one_page():
        assert [double(1), double(2), double(1), double(2)] == [2, 4, 2, 4]  # type: ignore[operator]
    assert asked == [1, 2]


def test_outside_a_page_and_in_the_next_page_it_is_read_again():
    asked, double = _counted()
    with one_page():
        double(1)  # type: ignore[operator]
    double(1)  # type: ignore[operator]
    double(1)  # type: ignore[operator]
    with one_page():
        double(1)  # type: ignore[operator]
    assert asked == [1, 1, 1, 1]


def test_a_page_within_a_page_shares_its_answers_and_leaves_them_to_it():
    asked, double = _counted()
    with one_page():
        double(1)  # type: ignore[operator]
        with one_page():
            double(1)  # type: ignore[operator]
        double(1)  # type: ignore[operator]
    assert asked == [1]


def test_what_one_list_remembers_for_many_keys_the_next_list_on_the_page_finds():
    assert remembered("memberships") is None
    with one_page():
        first = remembered("memberships")
        assert first == {}
        first[7] = ["read once"]
        assert remembered("memberships") == {7: ["read once"]}
        assert remembered("something else") == {}
    with one_page():
        assert remembered("memberships") == {}
