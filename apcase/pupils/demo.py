"""Five invented pupils at Heronsgate School, with carers (one under a no-contact
restriction), a mix of SEN support and EHC plans, one looked-after child, and a history
of suspensions and one permanent exclusion. Every name, number and event is invented;
UPNs carry correct check letters so they pass validation like real ones."""

from datetime import date
from decimal import Decimal
from typing import Any

from apcase.accounts.models import Organisation

from .models import Carer, Exclusion, Pupil
from .upn import with_check_letter

# 826 is Milton Keynes' LA number; 2345 an invented establishment number.
PUPILS: list[dict[str, Any]] = [
    {
        "upn": with_check_letter("826234519001"),
        "legal_first_name": "Amelia",
        "legal_last_name": "Hart",
        "preferred_name": "Millie",
        "date_of_birth": date(2016, 5, 14),
        "sex": "F",
        "nc_year": "5",
        "admission_date": date(2020, 9, 3),
        "sen_status": "K",
        "free_school_meals": True,
        "pupil_premium": True,
        "medical_needs": "Asthma: blue inhaler kept in her bag and in the school office.",
        "first_language": "English",
        "carers": [
            {
                "name": "Joanne Hart",
                "relationship": "Mother",
                "parental_responsibility": True,
                "lives_with_pupil": True,
                "phone": "07700 900418",
                "email": "jo.hart@example.com",
                "preferred_contact_method": "text",
                "priority": 1,
            },
            {
                "name": "Daniel Hart",
                "relationship": "Father",
                "parental_responsibility": True,
                "lives_with_pupil": False,
                "restriction": "No contact: non-molestation order. Do not share the pupil’s "
                "address, timetable or placement. Do not release the pupil to him.",
                "priority": 2,
            },
        ],
        "exclusions": [
            {"start_date": date(2025, 11, 10), "length_days": Decimal("1"), "reasons": ["DB"]},
            {
                "start_date": date(2026, 3, 2),
                "length_days": Decimal("2.5"),
                "reasons": ["VA", "DB"],
                "la_notified_date": date(2026, 3, 2),
            },
            {
                # Over the summer: 21 and 22 July count in 2025/26, 2 and 3 September
                # in 2026/27.
                "start_date": date(2026, 7, 21),
                "length_days": Decimal("4"),
                "reasons": ["DM"],
                "la_notified_date": date(2026, 7, 21),
            },
        ],
    },
    {
        "upn": with_check_letter("826234518007"),
        "legal_first_name": "Kwabena",
        "legal_last_name": "Mensah",
        "preferred_name": "Kai",
        "date_of_birth": date(2015, 11, 2),
        "sex": "M",
        "nc_year": "6",
        "admission_date": date(2019, 9, 4),
        "sen_status": "E",
        "child_in_need": True,
        "allergies": "Peanuts and tree nuts (adrenaline auto-injector in the office).",
        "first_language": "Twi",
        "carers": [
            {
                "name": "Comfort Mensah",
                "relationship": "Grandmother (special guardian)",
                "parental_responsibility": True,
                "lives_with_pupil": True,
                "phone": "07700 900562",
                "email": "comfort.mensah@example.com",
                "address": "7 Bramble Close\nCoffee Hall\nMilton Keynes MK6 5XX",
                "preferred_contact_method": "phone",
                "priority": 1,
            },
        ],
        "exclusions": [
            {
                "start_date": date(2026, 10, 5),
                "length_days": Decimal("6"),
                "reasons": ["PA", "VA"],
                "la_notified_date": date(2026, 10, 5),
                "notes": "Education from the 6th day arranged at the MK Primary Referral Unit.",
            },
        ],
    },
    {
        "upn": with_check_letter("826234520012"),
        "legal_first_name": "Leo",
        "legal_last_name": "Brannigan",
        "date_of_birth": date(2017, 2, 21),
        "sex": "M",
        "nc_year": "4",
        "admission_date": date(2024, 1, 8),
        "sen_status": "K",
        "looked_after": True,
        "pupil_premium": True,
        "first_language": "English",
        "carers": [
            {
                "name": "Samira Petrov",
                "relationship": "Foster carer",
                "parental_responsibility": False,
                "lives_with_pupil": True,
                "phone": "07700 900731",
                "email": "s.petrov@example.com",
                "preferred_contact_method": "email",
                "priority": 1,
            },
            {
                "name": "Kerry Brannigan",
                "relationship": "Birth mother",
                "parental_responsibility": True,
                "lives_with_pupil": False,
                "restriction": "Contact only through the child’s social worker.",
                "priority": 2,
            },
        ],
        "exclusions": [],
    },
    {
        "upn": with_check_letter("82623452100N"),  # a temporary UPN: arrived mid-year
        "legal_first_name": "Noor",
        "legal_last_name": "Haddad",
        "date_of_birth": date(2018, 7, 9),
        "sex": "F",
        "nc_year": "3",
        "admission_date": date(2026, 10, 12),
        "sen_status": "N",
        "first_language": "Arabic",
        "carers": [
            {
                "name": "Rania Haddad",
                "relationship": "Mother",
                "parental_responsibility": True,
                "lives_with_pupil": True,
                "phone": "07700 900284",
                "address": "22 Linden Court\nBletchley\nMilton Keynes MK3 6XX",
                "preferred_contact_method": "phone",
                "priority": 1,
            },
        ],
        "exclusions": [],
    },
    {
        "upn": with_check_letter("826234518044"),
        "legal_first_name": "Tyler",
        "legal_last_name": "Booth",
        "date_of_birth": date(2015, 9, 28),
        "sex": "M",
        "nc_year": "6",
        "admission_date": date(2019, 9, 4),
        "sen_status": "K",
        "free_school_meals": True,
        "pupil_premium": True,
        "first_language": "English",
        "carers": [
            {
                "name": "Lisa Booth",
                "relationship": "Mother",
                "parental_responsibility": True,
                "lives_with_pupil": True,
                "phone": "07700 900975",
                "email": "lisa.booth@example.com",
                "preferred_contact_method": "email",
                "priority": 1,
            },
        ],
        "exclusions": [
            {
                "start_date": date(2026, 1, 19),
                "length_days": Decimal("3"),
                "reasons": ["VA"],
                "la_notified_date": date(2026, 1, 19),
            },
            {
                # Back to back with the one before: 6 consecutive school days, so the
                # school had to arrange full-time education from Monday 26 January.
                "start_date": date(2026, 1, 22),
                "length_days": Decimal("3"),
                "reasons": ["VA", "DB"],
                "la_notified_date": date(2026, 1, 22),
                "notes": "Full-time education from the 6th day arranged at Bridge Academy.",
            },
            {
                "kind": "permanent",
                "start_date": date(2026, 6, 15),
                "reasons": ["PA", "OW"],
                "la_notified_date": date(2026, 6, 15),
                "notes": "The governing board later reconsidered on the independent review "
                "panel’s recommendation and reinstated Tyler on 10 July 2026.",
            },
        ],
    },
]


def seed(organisations: dict[str, Organisation]) -> None:
    school = organisations["school"]
    for entry in PUPILS:
        values = dict(entry)
        carers = values.pop("carers")
        exclusions = values.pop("exclusions")
        upn = values.pop("upn")
        pupil, _ = Pupil.objects.update_or_create(upn=upn, defaults={"school": school, **values})
        for carer in carers:
            Carer.objects.update_or_create(pupil=pupil, name=carer["name"], defaults=carer)
        for exclusion in exclusions:
            reasons = exclusion["reasons"] + ["", "", ""]
            Exclusion.objects.update_or_create(
                pupil=pupil,
                start_date=exclusion["start_date"],
                kind=exclusion.get("kind", "suspension"),
                defaults={
                    "length_days": exclusion.get("length_days"),
                    "reason_1": reasons[0],
                    "reason_2": reasons[1],
                    "reason_3": reasons[2],
                    "la_notified_date": exclusion.get("la_notified_date"),
                    "notes": exclusion.get("notes", ""),
                },
            )
