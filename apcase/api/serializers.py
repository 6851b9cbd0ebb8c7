"""The shapes of the API's requests and answers (and so of its OpenAPI schema). They
check types only; every rule of the domain is the services' and selectors' own."""

from typing import Any

from rest_framework import serializers

from apcase.monitoring.models import Session
from apcase.reference import attendance as codes
from apcase.reference.census import ContactMethod, NCYear, SENStatus, Sex

MARKS = sorted({*codes.Observation.values, *codes.SHORTHAND})


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For 400: each field (as `pupils[0].upn`) and what is wrong with it.",
    )


# --- provider: registers and check-ins ------------------------------------------------


class RegisterQuerySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day of the register, YYYY-MM-DD.")
    session = serializers.ChoiceField(choices=Session.values, help_text="am or pm.")


class RegisterPupilSerializer(serializers.Serializer):
    placement = serializers.IntegerField(help_text="The placement's id: mark the pupil by it.")
    pupil_name = serializers.CharField()
    observed = serializers.CharField(allow_null=True, help_text="The current mark, if any.")
    minutes_late = serializers.IntegerField(allow_null=True)


class RegisterSerializer(serializers.Serializer):
    date = serializers.DateField()
    session = serializers.CharField()
    pupils = RegisterPupilSerializer(many=True)


class MarkSerializer(serializers.Serializer):
    placement = serializers.IntegerField(min_value=1, max_value=2**53)
    mark = serializers.ChoiceField(
        choices=MARKS,
        help_text="What the provider saw: present, late, left_early, an absence "
        "(absent_illness, absent_medical, absent_no_reason, ...) or the shorthand /, L, N.",
    )
    minutes_late = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=240
    )


class RegisterSubmissionSerializer(serializers.Serializer):
    date = serializers.DateField()
    session = serializers.ChoiceField(choices=Session.values)
    marks = MarkSerializer(many=True, max_length=2000)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Needed to change a mark, or to mark after the register has closed.",
    )

    def validate_marks(self, marks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each pupil once: two marks for one placement would otherwise be settled by
        whichever came last, unseen by the sender."""
        seen: set[int] = set()
        errors: list[dict[str, list[str]]] = []
        for mark in marks:
            placement = mark["placement"]
            errors.append(
                {"placement": ["This placement is already marked earlier in the register."]}
                if placement in seen
                else {}
            )
            seen.add(placement)
        if any(errors):
            raise serializers.ValidationError(errors)
        return marks


class RegisterResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    corrected = serializers.IntegerField()
    alerts = serializers.IntegerField(help_text="Follow-ups raised for unexplained absences.")


class CheckInSerializer(serializers.Serializer):
    week_of = serializers.DateField(help_text="Any day of the week the check-in is for.")
    engagement = serializers.IntegerField(min_value=1, max_value=5)
    wellbeing = serializers.IntegerField(min_value=1, max_value=5)
    behaviour = serializers.IntegerField(min_value=1, max_value=5)
    comments = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    child_rating = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5
    )
    child_words = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class CheckInRecordedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    placement = serializers.IntegerField()
    week_starting = serializers.DateField()


# --- school: placements, attendance, pupils ---------------------------------------------


class PlacementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    pupil_id = serializers.IntegerField()
    upn = serializers.CharField()
    pupil_name = serializers.CharField()
    provider_id = serializers.IntegerField()
    provider = serializers.CharField()
    start_date = serializers.DateField()
    planned_end_date = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    sessions_per_week = serializers.IntegerField()
    dual_registered = serializers.BooleanField()


class AttendanceMarkSerializer(serializers.Serializer):
    date = serializers.DateField()
    session = serializers.CharField()
    observed = serializers.CharField(help_text="What the provider saw (blank for old marks).")
    minutes_late = serializers.IntegerField(allow_null=True)
    home_code = serializers.CharField(help_text="The home school's attendance code.")


class AttendanceSerializer(serializers.Serializer):
    placement = serializers.IntegerField()
    possible_sessions = serializers.IntegerField()
    present_sessions = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    persistent_absence = serializers.BooleanField()
    severe_absence = serializers.BooleanField()
    marks = AttendanceMarkSerializer(many=True)


def _one_line_breaks(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


class CarerSerializer(serializers.Serializer):
    """A carer, every field asked for, as for the pupil."""

    name = serializers.CharField(max_length=200)
    relationship = serializers.CharField(max_length=200)
    parental_responsibility = serializers.BooleanField()
    lives_with_pupil = serializers.BooleanField()
    phone = serializers.CharField(allow_blank=True, max_length=200)
    email = serializers.CharField(allow_blank=True, max_length=254)
    address = serializers.CharField(allow_blank=True, max_length=10_000)
    preferred_contact_method = serializers.ChoiceField(
        choices=ContactMethod.values, allow_blank=True
    )
    restriction = serializers.CharField(allow_blank=True, max_length=10_000)


class PupilRecordSerializer(serializers.Serializer):
    """One row of the MIS import (docs/mis-import.md), as JSON. Every field is asked
    for (an empty string or null where there is nothing): the row is applied whole, so
    a field left out would otherwise clear what is stored (a child's medical needs, or
    'looked after' reset to no) without anyone having said so."""

    upn = serializers.CharField(max_length=20)
    legal_last_name = serializers.CharField(max_length=200)
    legal_first_name = serializers.CharField(max_length=200)
    legal_middle_names = serializers.CharField(allow_blank=True, max_length=200)
    preferred_last_name = serializers.CharField(allow_blank=True, max_length=200)
    preferred_name = serializers.CharField(allow_blank=True, max_length=200)
    date_of_birth = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.values)
    nc_year = serializers.ChoiceField(choices=NCYear.values)
    admission_date = serializers.DateField(allow_null=True)
    sen_status = serializers.ChoiceField(choices=SENStatus.values)
    looked_after = serializers.BooleanField()
    free_school_meals = serializers.BooleanField()
    pupil_premium = serializers.BooleanField()
    first_language = serializers.CharField(allow_blank=True, max_length=200)
    medical_needs = serializers.CharField(allow_blank=True, max_length=10_000)
    allergies = serializers.CharField(allow_blank=True, max_length=10_000)
    carers = CarerSerializer(many=True, required=False, max_length=10)

    def to_internal_value(self, data: Any) -> Any:
        values = super().to_internal_value(data)
        return {k: _one_line_breaks(v) if isinstance(v, str) else v for k, v in values.items()}


class PupilUpsertSerializer(serializers.Serializer):
    pupils = PupilRecordSerializer(many=True, min_length=1, max_length=5000)


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    carers_added = serializers.IntegerField()
    carers_updated = serializers.IntegerField()


# --- local authority: figures -------------------------------------------------------------


class CountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    children = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    date = serializers.DateField()
    children_in_ap = serializers.IntegerField()
    not_started = serializers.IntegerField(
        help_text="Placements past their start date still not recorded as started: their "
        "children are in no count here until someone records that they started (or not)."
    )
    by_provider = CountSerializer(many=True)
    by_school = CountSerializer(many=True)
