"""The REST API (docs/api.md) and the pages where an organisation's administrators
manage its keys.

Each endpoint is an APIView under `@access_rule(API_KEY)`: the key's authentication,
the endpoint's `required_scope` and its named predicate (`policy`) are checked by
apcase.api.authentication; records are read through the same scoped selectors as the
pages (404 for missing and forbidden) and changed through the same services."""

import csv
import io
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import API_KEY, SIGNED_IN, access_rule
from apcase.accounts.models import Organisation, User
from apcase.chronology.middleware import ACTION as DENIED_ACTION
from apcase.chronology.models import AccessLogEntry
from apcase.chronology.services import log_access
from apcase.core.viewhelpers import attempt, posted, run_action
from apcase.monitoring import selectors as monitoring
from apcase.monitoring import services as monitoring_services
from apcase.monitoring.services import ChildVoice
from apcase.placements.models import Placement
from apcase.placements.selectors import (
    get_placement_for,
    not_started_by,
    placements_visible_to,
)
from apcase.pupils import mis_import

from . import scopes, selectors, serializers, services
from .forms import CreateKeyForm
from .models import ApiKey
from .problems import problem
from .schema import KeyEndpointSchema, endpoint

# --- the endpoints ------------------------------------------------------------------


class KeyView(APIView):
    """An endpoint: the scope it needs and the predicate the key's account must meet."""

    required_scope = ""
    policy: Callable[[User], bool] = staticmethod(lambda user: False)
    schema = KeyEndpointSchema()

    def check_permissions(self, request: Request) -> None:
        # The key's rate first (DRF checks it after the permissions): a request refused
        # for its scope or its organisation counts against the key like any other.
        super().check_throttles(request)
        super().check_permissions(request)

    def check_throttles(self, request: Request) -> None:
        """Checked in check_permissions, before them."""

    def taken(self, request: Request) -> dict[str, Any]:
        """What the method answering takes, checked by the serializer its endpoint()
        documents (400 problem+json otherwise). Called after any record named in the
        URL is found, so another organisation's record is 404 whatever the body."""
        serializer_class, source = getattr(self, str(request.method).lower()).takes
        serializer = serializer_class(data=getattr(request, source))
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @staticmethod
    def organisation(request: Request) -> Organisation:
        key = request.auth
        assert isinstance(key, ApiKey)  # noqa: S101 - KeyHasScope let only a key in
        return key.organisation


@access_rule(API_KEY)
class Register(KeyView):
    required_scope = scopes.ATTENDANCE_WRITE
    policy = staticmethod(policies.can_take_registers)

    @endpoint(
        "register_read",
        "provider",
        "The pupils expected at a register",
        "Every pupil placed with the key's provider "
        "who is expected in this session, with their current mark: the register to submit.",
        ok=serializers.RegisterSerializer,
        query=serializers.RegisterQuerySerializer,
    )
    def get(self, request: Request) -> Response:
        data = self.taken(request)
        rows = monitoring.register_rows(self.organisation(request), data["date"], data["session"])
        return Response(
            {
                "date": data["date"],
                "session": data["session"],
                "pupils": [
                    {
                        "placement": row.placement_id,
                        "pupil_name": row.pupil_name,
                        "observed": row.current.observed if row.current else None,
                        "minutes_late": row.current.minutes_late if row.current else None,
                    }
                    for row in rows
                ],
            }
        )

    @endpoint(
        "register_submit",
        "provider",
        "Submit a register (AM or PM)",
        "What the provider saw of every pupil "
        "expected in the session, as on the register page: all or nothing. A placement "
        "that is not the key's provider's is not found (404).",
        ok=serializers.RegisterResultSerializer,
        request=serializers.RegisterSubmissionSerializer,
    )
    def post(self, request: Request) -> Response:
        data = self.taken(request)
        for mark in data["marks"]:
            _placement_to_mark(request.user, mark["placement"])
        result = monitoring_services.submit_register(
            by=request.user,
            provider=self.organisation(request),
            day=data["date"],
            session=data["session"],
            marks={m["placement"]: m["mark"] for m in data["marks"]},
            minutes_late={m["placement"]: m.get("minutes_late") for m in data["marks"]},
            reason=data.get("reason", ""),
        )
        return Response(
            {"marked": result.marked, "corrected": result.corrected, "alerts": result.alerts}
        )


def _placement_to_mark(user: User, placement_id: int) -> Placement:
    """A placement named in a register's body, as one named in a URL: 404 for another
    provider's (or none), and the attempt logged as denied."""
    try:
        return monitoring.get_placement_to_mark(user, placement_id)
    except Http404:
        log_access(
            by=user,
            action=DENIED_ACTION,
            target=("api:register", f"placement_id={placement_id}"[:64]),
            outcome=AccessLogEntry.Outcome.DENIED,
        )
        raise


@access_rule(API_KEY)
class CheckIns(KeyView):
    required_scope = scopes.CHECKINS_WRITE
    policy = staticmethod(policies.can_take_registers)

    @endpoint(
        "check_in_record",
        "provider",
        "Record a weekly check-in",
        "Engagement, wellbeing and behaviour from 1 "
        "to 5 for one week of a pupil placed with the key's provider; a low or falling "
        "score alerts the named staff member as the page does.",
        ok=serializers.CheckInRecordedSerializer,
        request=serializers.CheckInSerializer,
        status=201,
    )
    def post(self, request: Request, placement_id: int) -> Response:
        placement = monitoring.get_placement_to_mark(request.user, placement_id)
        data = self.taken(request)
        check_in = monitoring_services.record_check_in(
            placement,
            by=request.user,
            week_of=data["week_of"],
            engagement=data["engagement"],
            wellbeing=data["wellbeing"],
            behaviour=data["behaviour"],
            comments=data.get("comments", ""),
            child=ChildVoice(rating=data.get("child_rating"), words=data.get("child_words", "")),
        )
        return Response(
            {"id": check_in.pk, "placement": placement.pk, "week_starting": check_in.week_starting},
            status=201,
        )


def _placement_row(placement: Placement) -> dict[str, Any]:
    return {
        "id": placement.pk,
        "status": placement.status,
        "pupil_id": placement.pupil_id,
        "upn": placement.pupil.upn,
        "pupil_name": placement.pupil.display_name,
        "provider_id": placement.provider_id,
        "provider": placement.provider.name,
        "start_date": placement.start_date,
        "planned_end_date": placement.planned_end_date,
        "ended_on": placement.ended_on,
        "sessions_per_week": placement.sessions_per_week,
        "dual_registered": placement.dual_registered,
    }


@access_rule(API_KEY)
class Placements(KeyView):
    required_scope = scopes.PLACEMENTS_READ
    policy = staticmethod(policies.can_view_placements)

    @endpoint(
        "placements_list",
        "school",
        "The school's placements",
        "Every placement of the school's pupils, newest first.",
        ok=serializers.PlacementSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        placements = placements_visible_to(request.user).order_by("-start_date", "-pk")
        return Response([_placement_row(p) for p in placements])


@access_rule(API_KEY)
class PlacementAttendance(KeyView):
    required_scope = scopes.ATTENDANCE_READ
    policy = staticmethod(policies.can_view_placements)

    @endpoint(
        "placement_attendance",
        "school",
        "Attendance at one placement",
        "The current mark of every session recorded "
        "at the placement, with the home school's code, and the attendance figures.",
        ok=serializers.AttendanceSerializer,
    )
    def get(self, request: Request, placement_id: int) -> Response:
        placement = get_placement_for(request.user, placement_id)
        summary, _weeks, marks = monitoring.attendance_of_placement(placement)
        rate = summary.rate
        return Response(
            {
                "placement": placement.pk,
                "possible_sessions": summary.possible,
                "present_sessions": summary.present,
                "percent": None if rate is None else round(float(rate) * 100, 1),
                "persistent_absence": summary.persistent_absence,
                "severe_absence": summary.severe_absence,
                "marks": [
                    {
                        "date": m.date,
                        "session": m.session,
                        "observed": m.observed,
                        "minutes_late": m.minutes_late,
                        "home_code": m.home_code,
                    }
                    for m in marks
                ],
            }
        )


# The MIS import's documented column for each field (docs/mis-import.md).
PUPIL_HEADER = {name: columns[0] for name, columns in mis_import.PUPIL_COLUMNS.items()}


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _as_mis_file(pupils: list[dict[str, Any]]) -> tuple[bytes, dict[int, int]]:
    """The records as the MIS import's CSV, and the index of the pupil that ends on
    each line (the import names problems by line)."""
    most_carers = max(len(p.get("carers", [])) for p in pupils)
    header = list(PUPIL_HEADER.values()) + [
        f"Contact {n} {label}"
        for n in range(1, most_carers + 1)
        for label in mis_import.CARER_COLUMNS.values()
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    line, line_of = 1, {}
    for index, pupil in enumerate(pupils):
        cells = [_cell(pupil.get(name)) for name in PUPIL_HEADER]
        for n in range(most_carers):
            carer = pupil.get("carers", [])[n] if n < len(pupil.get("carers", [])) else {}
            cells += [_cell(carer.get(name)) for name in mis_import.CARER_COLUMNS]
        writer.writerow(cells)
        line += 1 + sum(cell.count("\n") for cell in cells)
        line_of[line] = index
    return out.getvalue().encode(), line_of


def _field_of(column: str) -> str:
    for name, label in PUPIL_HEADER.items():
        if column == label:
            return name
    for name, label in mis_import.CARER_COLUMNS.items():
        if column.endswith(f" {label}") and column.startswith("Contact "):
            number = column.removeprefix("Contact ").split(" ", 1)[0]
            if number.isdigit():
                return f"carers[{int(number) - 1}].{name}"
    return column


def _problems(error: mis_import.ImportFailed, line_of: dict[int, int]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row_error in error.problems:
        index = line_of.get(row_error.line)
        where = "pupils" if index is None else f"pupils[{index}]"
        if row_error.column:
            where = f"{where}.{_field_of(row_error.column)}"
        found.setdefault(where, []).append(row_error.message)
    return found


@access_rule(API_KEY)
class Pupils(KeyView):
    required_scope = scopes.PUPILS_WRITE
    policy = staticmethod(policies.can_import_pupils)

    @endpoint(
        "pupils_upsert",
        "school",
        "Add and update pupils (MIS-style)",
        "The rows of an MIS import as JSON, applied by "
        "the same import (docs/mis-import.md): matched by UPN, every row checked first, "
        "all or nothing. Child-protection flags are never imported.",
        ok=serializers.ImportResultSerializer,
        request=serializers.PupilUpsertSerializer,
    )
    def post(self, request: Request) -> Response:
        data = self.taken(request)
        content, line_of = _as_mis_file(data["pupils"])
        try:
            result = mis_import.import_pupils(
                by=request.user, school=self.organisation(request), content=content
            )
        except mis_import.ImportFailed as error:
            return problem(400, str(error), errors=_problems(error, line_of))
        return Response(vars(result))


@access_rule(API_KEY)
class Figures(KeyView):
    required_scope = scopes.FIGURES_READ
    policy = staticmethod(policies.can_read_ap_figures)

    @endpoint(
        "figures",
        "local authority",
        "Children in alternative provision now",
        "How many children of the authority's schools "
        "are in an active placement today, by provider and by home school, and how many "
        "placements are past their start date but not recorded as started (their children "
        "are not in those counts). No names.",
        ok=serializers.FiguresSerializer,
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        visible = placements_visible_to(request.user)
        active = visible.filter(status=Placement.Status.ACTIVE)
        rows = set(
            active.values_list(
                "pupil_id",
                "provider_id",
                "provider__name",
                "pupil__school_id",
                "pupil__school__name",
            )
        )
        # A child counts once for each provider and school, however many placements.
        by_provider = Counter((pk, name) for _, pk, name in {(r[0], r[1], r[2]) for r in rows})
        by_school = Counter((pk, name) for _, pk, name in {(r[0], r[3], r[4]) for r in rows})
        return Response(
            {
                "date": today,
                "children_in_ap": len({r[0] for r in rows}),
                # Not counted above, and said aloud: the child may be at the provider
                # (the compliance board's and the outcome dashboard's rule).
                "not_started": not_started_by(visible, today).count(),
                "by_provider": _counts(by_provider),
                "by_school": _counts(by_school),
            }
        )


def _counts(counter: Counter[tuple[int, str]]) -> list[dict[str, Any]]:
    return [
        {"id": pk, "name": name, "children": n}
        for (pk, name), n in sorted(counter.items(), key=lambda item: item[0][1])
    ]


@access_rule(API_KEY)
class NoSuchEndpoint(APIView):
    """Any other URL under /api/: 404 problem+json (401 without a key), not the HTML
    page, so a client always gets the API's one shape of answer."""

    permission_classes = [IsAuthenticated]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise Http404("There is no such endpoint. The endpoints are listed at /api/docs.")


# --- the schema and its documentation ------------------------------------------------


@cache
def openapi_schema() -> dict[str, Any]:
    generator = SchemaGenerator(api_version="v1")  # type: ignore[no-untyped-call]
    return dict(generator.get_schema(request=None, public=True))  # type: ignore[no-untyped-call]


@access_rule(SIGNED_IN)
def schema(request: SignedInRequest) -> HttpResponse:
    body = OpenApiJsonRenderer().render(openapi_schema(), renderer_context={})
    return HttpResponse(body, content_type="application/vnd.oai.openapi+json")


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "parameters": op.get("parameters", []),
                    "body": body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1],
                    "responses": [
                        (status, answer.get("description") or _shape_of(answer))
                        for status, answer in sorted(op.get("responses", {}).items())
                    ],
                }
            )
    return found


def _shape_of(answer: dict[str, Any]) -> str:
    """What a success answers, named by its shape (listed under Shapes)."""
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    if schema.get("type") == "array":
        return f"a list of {schema.get('items', {}).get('$ref', '').rsplit('/', 1)[-1]}"
    return str(schema.get("$ref", "")).rsplit("/", 1)[-1] or "done"


@access_rule(SIGNED_IN)
def docs(request: SignedInRequest) -> HttpResponse:
    spec = openapi_schema()
    return render(
        request,
        "api/docs.html",
        {
            "operations": _operations(spec),
            "components": sorted(spec.get("components", {}).get("schemas", {}).items()),
            "scopes": scopes.SCOPES,
        },
    )


# --- the keys pages -------------------------------------------------------------------


@access_rule(policies.can_manage_api_keys_somewhere)
def keys(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.get_key_organisation_for(request.user, organisation_id)
    return render(
        request,
        "api/keys.html",
        {
            "organisation": organisation,
            "keys": selectors.keys_of(organisation),
            "scopes": scopes.SCOPES,
        },
    )


@access_rule(policies.can_manage_api_keys_somewhere)
def create_key(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.get_key_organisation_for(request.user, organisation_id)
    form = CreateKeyForm(posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        done, new = attempt(
            form,
            lambda: services.create_key(
                by=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            ),
        )
        if done:
            # Shown once: only its hash is kept, and the page is never cached (no-store).
            return render(
                request,
                "api/key_created.html",
                {"organisation": organisation, "key": new.key, "token": new.token},
            )
    return render(request, "api/create_key.html", {"form": form, "organisation": organisation})


@access_rule(policies.can_manage_api_keys_somewhere)
@require_POST
def revoke_key(request: SignedInRequest, organisation_id: int, key_id: int) -> HttpResponse:
    key = selectors.get_key_for(request.user, organisation_id, key_id)
    return run_action(
        request,
        lambda: services.revoke_key(key, by=request.user),
        success_message=f"The key {key.name} is revoked: it no longer works.",
        redirect_to=reverse("api:keys", args=[organisation_id]),
    )
