"""Demo term dates for Milton Keynes (2025/26 and 2026/27 complete, 2027/28 begun),
England's bank holidays and Heronsgate School's INSET days. The dates are invented but
shaped like a real LA's calendar; they are data, and an LA admin changes them on the
Term dates page."""

from datetime import date

from apcase.accounts.models import Organisation

from .models import ClosureDay, Term

MILTON_KEYNES_TERMS = [
    ("Autumn 1", date(2025, 9, 3), date(2025, 10, 24)),
    ("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
    ("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
    ("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),
    ("Summer 1", date(2026, 4, 13), date(2026, 5, 22)),
    ("Summer 2", date(2026, 6, 1), date(2026, 7, 22)),
    ("Autumn 1", date(2026, 9, 2), date(2026, 10, 23)),
    ("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
    ("Spring 1", date(2027, 1, 4), date(2027, 2, 12)),
    ("Spring 2", date(2027, 2, 22), date(2027, 3, 25)),
    ("Summer 1", date(2027, 4, 12), date(2027, 5, 28)),
    ("Summer 2", date(2027, 6, 7), date(2027, 7, 21)),
    # 2027/28 is only started: the Term dates page shows it as incomplete (2 of 6), and
    # from 1 June 2027 the LA admin's home page asks for the rest.
    ("Autumn 1", date(2027, 9, 2), date(2027, 10, 22)),
    ("Autumn 2", date(2027, 11, 1), date(2027, 12, 17)),
]

BANK_HOLIDAYS = [
    (date(2025, 12, 25), "Christmas Day"),
    (date(2025, 12, 26), "Boxing Day"),
    (date(2026, 1, 1), "New Year’s Day"),
    (date(2026, 4, 3), "Good Friday"),
    (date(2026, 4, 6), "Easter Monday"),
    (date(2026, 5, 4), "Early May bank holiday"),
    (date(2026, 5, 25), "Spring bank holiday"),
    (date(2026, 8, 31), "Summer bank holiday"),
    (date(2026, 12, 25), "Christmas Day"),
    (date(2026, 12, 28), "Boxing Day (substitute day)"),
    (date(2027, 1, 1), "New Year’s Day"),
    (date(2027, 3, 26), "Good Friday"),
    (date(2027, 3, 29), "Easter Monday"),
    (date(2027, 5, 3), "Early May bank holiday"),
    (date(2027, 5, 31), "Spring bank holiday"),
    (date(2027, 8, 30), "Summer bank holiday"),
]

HERONSGATE_INSET_DAYS = [
    (date(2025, 11, 3), "INSET day"),
    (date(2026, 11, 2), "INSET day"),
    (date(2027, 1, 4), "INSET day"),
]


def seed(organisations: dict[str, Organisation]) -> None:
    la = organisations["la"]
    for name, start, end in MILTON_KEYNES_TERMS:
        Term.objects.update_or_create(
            local_authority=la, start_date=start, defaults={"name": name, "end_date": end}
        )
    for day, reason in BANK_HOLIDAYS:
        ClosureDay.objects.update_or_create(
            date=day, school=None, local_authority=None, defaults={"reason": reason}
        )
    for day, reason in HERONSGATE_INSET_DAYS:
        ClosureDay.objects.update_or_create(
            date=day, school=organisations["school"], defaults={"reason": reason}
        )
