"""The demo's edit forms, one row each: every page that edits an existing record, the
demo account whose work it is, and how to find a record of the demo to edit.

`tests/e2e/test_edit_forms_unchanged.py` opens each in a browser, saves it unchanged and
checks that nothing was lost; `tests/test_edit_forms_listed.py` fails when a URL named
like an edit form (`*edit*`, `*change*`) is in neither table below. A new edit form is
one row here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LEAD = "inclusion.lead@heronsgate.example"
SCHOOL_ADMIN = "admin@heronsgate.example"
SCHOOL_DSL = "dsl@heronsgate.example"
LA_OFFICER = "la.officer@mk-council.example"
LA_ADMIN = "la.admin@mk-council.example"
SYSADMIN = "sysadmin@apcase.example"


def _placement(status: str) -> Callable[[], dict[str, Any]]:
    """The first placement of `status`, one with a planned end date where there is one
    (the demo also has a placement started without, which its plan page asks for)."""

    def find() -> dict[str, Any]:
        from apcase.placements.models import Placement

        placements = Placement.objects.filter(status=status)
        found = (
            placements.filter(planned_end_date__isnull=False).order_by("pk").first()
            or placements.order_by("pk").first()
        )
        assert found, f"the demo has no {status} placement"
        return {"placement_id": found.pk}

    return find


def _reintegration_plan(status: str) -> Callable[[], dict[str, Any]]:
    def find() -> dict[str, Any]:
        from apcase.reintegration.models import ReintegrationPlan

        found = ReintegrationPlan.objects.filter(status=status).order_by("pk").first()
        assert found, f"the demo has no {status} reintegration plan"
        return {"plan_id": found.pk}

    return find


def _review_point() -> dict[str, Any]:
    from apcase.reintegration.models import ReviewPoint

    point = ReviewPoint.objects.order_by("pk").first()
    assert point, "the demo has no reintegration review point"
    return {"plan_id": point.plan_id, "point_id": point.pk}


def _referral_section(section: str) -> Callable[[], dict[str, Any]]:
    def find() -> dict[str, Any]:
        from apcase.referrals.models import Referral

        found = Referral.objects.filter(status="draft").order_by("pk").first()
        assert found, "the demo has no draft referral"
        return {"referral_id": found.pk, "section": section}

    return find


def _meeting() -> dict[str, Any]:
    from apcase.panel.models import PanelMeeting

    found = PanelMeeting.objects.filter(status="scheduled").order_by("date").first()
    assert found, "the demo has no scheduled panel meeting"
    return {"meeting_id": found.pk}


def _organisation() -> dict[str, Any]:
    from apcase.accounts.models import Organisation

    return {"organisation_id": Organisation.objects.get(name="Heronsgate School").pk}


def _provider() -> dict[str, Any]:
    from apcase.accounts.models import Organisation

    return {"provider_id": Organisation.objects.get(name="Milton Keynes Primary Referral Unit").pk}


def _pupil() -> dict[str, Any]:
    from apcase.pupils.models import Pupil

    # The pupil with the most recorded: a placement, carers and exclusions.
    found = Pupil.objects.filter(exclusions__isnull=False, carers__isnull=False).first()
    assert found, "the demo has no pupil with carers and exclusions"
    return {"pupil_id": found.pk}


def _carer() -> dict[str, Any]:
    from apcase.pupils.models import Carer

    found = Carer.objects.order_by("pk").first()
    assert found, "the demo has no carer"
    return {"pupil_id": found.pupil_id, "carer_id": found.pk}


def _exclusion() -> dict[str, Any]:
    from apcase.pupils.models import Exclusion

    found = Exclusion.objects.order_by("pk").first()
    assert found, "the demo has no exclusion"
    return {"pupil_id": found.pupil_id, "exclusion_id": found.pk}


def _term() -> dict[str, Any]:
    from apcase.schooldays.models import Term

    found = Term.objects.order_by("start_date").first()
    assert found, "the demo has no term dates"
    return {"term_id": found.pk}


def _open_concern() -> dict[str, Any]:
    from apcase.safeguarding.models import Concern

    found = Concern.objects.exclude(status="closed").order_by("pk").first()
    assert found, "the demo has no open concern"
    return {"concern_id": found.pk}


def _end_date_of_planned_placement() -> tuple[tuple[str, str], ...]:
    """Twelve weeks after the start of the placement `_placement("planned")` finds."""
    import datetime

    from apcase.placements.models import Placement

    found = Placement.objects.filter(status="planned").order_by("pk").first()
    assert found, "the demo has no planned placement"
    end = found.start_date + datetime.timedelta(weeks=12)
    parts = (end.day, end.month, end.year)
    return tuple((f"planned_end_date_{i}", str(part)) for i, part in enumerate(parts))


@dataclass(frozen=True)
class EditForm:
    """An edit form of the demo: its URL name, who edits it, and its URL's arguments
    (found in the demo's data when the test runs). `fill` answers a required question
    the demo's record has not answered yet (field name: value typed, or the radio's
    value), so the save can succeed: every other field is left as the page shows it."""

    url_name: str
    email: str
    kwargs: Callable[[], dict[str, Any]]
    label: str = ""
    fill: Callable[[], tuple[tuple[str, str], ...]] = tuple

    @property
    def name(self) -> str:
        return f"{self.url_name}{f' ({self.label})' if self.label else ''}"


EDIT_FORMS: tuple[EditForm, ...] = (
    EditForm(
        "placements:edit_plan",
        LEAD,
        _placement("planned"),
        "planned placement",
        # The demo's planned placements have no end date yet, and a plan needs one.
        fill=_end_date_of_planned_placement,
    ),
    EditForm("placements:edit_plan", LEAD, _placement("active"), "active placement"),
    EditForm("placements:timetable", LEAD, _placement("active")),
    EditForm("placements:sites", LEAD, _placement("active")),
    EditForm("placements:commissioning", LEAD, _placement("active")),
    # The demo records no primary reason for its placements.
    EditForm("census:placement", LEAD, _placement("active"), fill=lambda: (("reason", "PEX"),)),
    # An agreed plan's details are not offered for change (only its reviews): a draft's are.
    EditForm("reintegration:edit", LEAD, _reintegration_plan("draft")),
    # (reintegration:agreement records the parent's agreement on a draft plan: the demo's
    # draft has none to keep, and an agreed plan's is not changed.)
    EditForm("reintegration:progress", LEAD, _review_point),
    *(
        EditForm("referrals:section", LEAD, _referral_section(section), section)
        for section in (
            "reason",
            "attendance",
            "send-health",
            "parent-views",
            "child-voice",
            "provision",
        )
    ),
    EditForm("panel:meeting_edit", LA_OFFICER, _meeting),
    EditForm("organisations:edit", SYSADMIN, _organisation),
    EditForm("accounts:email_choice", LEAD, dict, "how the signed-in person gets emails"),
    EditForm("directory:provider_edit", LA_OFFICER, _provider),
    EditForm("pupils:edit", SCHOOL_ADMIN, _pupil),
    EditForm("pupils:carer_edit", SCHOOL_ADMIN, _carer),
    EditForm("pupils:exclusion_edit", SCHOOL_ADMIN, _exclusion),
    EditForm("schooldays:term_edit", LA_ADMIN, _term),
    EditForm("safeguarding:review", SCHOOL_DSL, _open_concern, "the concern's review date"),
)

# The records an edit form's URL names, by the URL's argument (app_label.Model, and how
# to find the rows from the argument's value): the test compares them, field by field,
# before and after the unchanged save. The signed-in person's own rows (their user and
# their choice of emails) are compared on every form.
RECORDS_BY_ARGUMENT: dict[str, tuple[tuple[str, str], ...]] = {
    "placement_id": (("placements.Placement", "pk"),),
    "plan_id": (("reintegration.ReintegrationPlan", "pk"),),
    "point_id": (("reintegration.ReviewPoint", "pk"),),
    "referral_id": (("referrals.Referral", "pk"),),
    "meeting_id": (("panel.PanelMeeting", "pk"),),
    "organisation_id": (("accounts.Organisation", "pk"),),
    "provider_id": (("accounts.Organisation", "pk"), ("directory.ProviderProfile", "organisation")),
    "pupil_id": (("pupils.Pupil", "pk"),),
    "carer_id": (("pupils.Carer", "pk"),),
    "exclusion_id": (("pupils.Exclusion", "pk"),),
    "term_id": (("schooldays.Term", "pk"),),
    "concern_id": (("safeguarding.Concern", "pk"),),
}
PERSON_RECORDS: tuple[tuple[str, str], ...] = (
    ("accounts.User", "email"),
    ("notifications.EmailChoice", "user__email"),
)
# Columns a save may change without anything being lost: when, and the version that
# guards against two people saving at once.
BOOKKEEPING = frozenset({"updated_at", "version", "plan_version", "last_login"})

# URLs named like an edit form that are not one, with the reason (and where they are
# tested instead).
NOT_EDIT_FORMS: dict[str, str] = {
    "pupils:photo_edit": "a file upload that replaces the photo: there is no value to keep "
    "by saving unchanged (apcase/pupils/tests)",
}
