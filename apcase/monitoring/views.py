import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.accounts.models import User
from apcase.accounts.two_factor import requires_recent_second_factor
from apcase.core import idempotency
from apcase.core.drafts import stash_concern_draft
from apcase.core.errors import DomainError
from apcase.core.pagination import Paged, paginate, render_paged
from apcase.core.spreadsheets import Sheet, download
from apcase.core.viewhelpers import Message, Once, Target, handle_form, raise_for_refusal
from apcase.core.words import counted
from apcase.monitoring.charts import (
    attendance_chart,
    check_in_trend,
    persistent_absence_percent,
)
from apcase.placements import plan
from apcase.placements.models import Placement
from apcase.placements.selectors import get_placement_for, read_placement_for
from apcase.reference import attendance as codes

from . import attention, rules, selectors, services, workflow
from .forms import (
    CheckInForm,
    CloseTaskForm,
    CodeAbsenceForm,
    LogVisitForm,
    RegisterDayForm,
    ScheduleVisitForm,
)
from .models import CheckIn, Session


def _placement_url(placement_id: int) -> str:
    return reverse("monitoring:placement", kwargs={"placement_id": placement_id})


@dataclass(frozen=True)
class FormPage:
    """What a monitoring form's page says around the form, and where "Back" goes."""

    heading: str
    caption: str
    back: str


def _form_page(
    request: SignedInRequest,
    form: Any,
    action: Any,
    *,
    done: Message,
    page: FormPage,
    once: Once | None = None,
    redirect_to: Target | None = None,
) -> HttpResponse:
    """A monitoring form's page: save through `action`, then back to the placement
    (or to `redirect_to`)."""
    return handle_form(
        request,
        form,
        action,
        success_message=done,
        redirect_to=redirect_to or page.back,
        template="monitoring/form.html",
        context={"heading": page.heading, "caption": page.caption, "back": page.back},
        once=once,
    )


def _concern_form(pupil_id: int) -> str:
    return reverse("safeguarding:raise", kwargs={"pupil_id": pupil_id})


def _concern_or_saved(
    request: SignedInRequest,
    pupil_id: int,
    values: dict[str, Any],
    words: tuple[str, ...],
    save: Callable[[dict[str, Any]], Any],
) -> bool:
    """Save the record; when the form said "Yes, a safeguarding concern", without the
    words typed in `words`: they go to the concern form (core.drafts), which alerts the
    DSL, instead of into a record every school role reads. True for a concern."""
    is_concern = bool(values.pop("safeguarding", False))
    if is_concern:
        draft = "\n\n".join(values[name] for name in words if values[name].strip())
        values.update(dict.fromkeys(words, ""))
    save(values)
    if is_concern:
        stash_concern_draft(request.session, pupil_id, draft)
    return is_concern


def _record_check_in(placement: Placement, by: User, values: dict[str, Any]) -> CheckIn:
    child = services.ChildVoice.take_from(values)
    return services.record_check_in(placement, by=by, child=child, **values)


def _register_choice(
    request: SignedInRequest, providers: list[Any]
) -> tuple[Any, datetime.date, str, RegisterDayForm]:
    """The provider, day and session asked for: from the page's own form (the GOV.UK
    date input, `date_0`–`date_2`) or from a link (`date=YYYY-MM-DD`). A day that is no
    date, or one still to come, shows today's register, and the form says why."""
    today = timezone.localdate()
    query = request.GET
    by_id = {str(p.pk): p for p in providers}
    provider = by_id.get(query.get("provider", ""), providers[0])
    session = query.get("session", "")
    if session not in Session.values:
        session = rules.current_session()
    day = today
    if any(f"date_{n}" in query for n in range(3)):
        form = RegisterDayForm(query, providers=providers)
        if form.is_valid() and form.cleaned_data["date"]:
            day = form.cleaned_data["date"]
    else:
        try:
            day = datetime.date.fromisoformat(query.get("date", ""))
        except ValueError:
            day = today
        form = RegisterDayForm(
            providers=providers, initial={"provider": provider.pk, "date": day, "session": session}
        )
    if day > today:
        if form.is_bound:
            form.add_error("date", "A register cannot be shown for a day that has not come yet.")
        day = today
    return provider, day, session, form


class _MarkOptions(dict[Any, SafeString]):
    """The options of a register row's mark, the chosen one selected: written once for
    each mark chosen on the page rather than once for each of its rows (for a provider
    with a hundred pupils, rendering the options in the template was most of the page's
    time)."""

    def __call__(self, chosen: Any) -> SafeString:
        if chosen not in self:
            self[chosen] = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (value, " selected" if value == chosen else "", label)
                    for value, label in codes.Observation.choices
                ),
            )
        return self[chosen]


@access_rule(policies.can_take_registers)
def register(request: SignedInRequest) -> HttpResponse:
    """Today's register: every pupil expected this session, marked in one submit."""
    providers = selectors.providers_of(request.user)
    provider, day, session, day_form = _register_choice(request, providers)
    errors: dict[str | None, list[str]] = {}
    chosen: dict[int, str] = {}
    minutes_typed: dict[int, str] = {}
    reason = ""
    # A failed submission keeps its key: corrected and sent again, it is the same one.
    key = idempotency.key_of(request.POST) if request.method == "POST" else None
    if request.method == "POST":
        rows = selectors.register_rows(provider, day, session)
        chosen = {
            row.placement_id: request.POST.get(f"mark_{row.placement_id}", "") for row in rows
        }
        minutes_typed = {
            row.placement_id: request.POST.get(f"minutes_{row.placement_id}", "").strip()[:5]
            for row in rows
        }
        reason = request.POST.get("reason", "")[:1000]
        saved_url = f"{request.path}?provider={provider.pk}&date={day}&session={session}"
        try:
            outcome = idempotency.once(
                user=request.user,
                action="monitoring.register",
                key=key,
                run=lambda: services.submit_register(
                    by=request.user,
                    provider=provider,
                    day=day,
                    session=session,
                    marks=chosen,
                    minutes_late={
                        # isdigit() is true for "²", which int() refuses (a 500).
                        pid: int(text) if text.isascii() and text.isdecimal() else None
                        for pid, text in minutes_typed.items()
                    },
                    reason=reason,
                ),
                result_url=lambda _result: saved_url,
            )
        except DomainError as error:
            raise_for_refusal(error)
            errors = getattr(error, "errors", {None: [str(error)]})
        else:
            if isinstance(outcome, idempotency.Replayed):
                messages.info(request, "This register was already saved.")
                return redirect(outcome.url)
            result = outcome
            note = (
                f" {counted(result.alerts, 'follow-up')} raised for the named staff member."
                if result.alerts
                else ""
            )
            messages.success(
                request, f"Register saved: {counted(result.marked, 'mark')} recorded.{note}"
            )
            return redirect(saved_url)
    rows = selectors.register_rows(provider, day, session)
    options = _MarkOptions()
    return render(
        request,
        "monitoring/register.html",
        {
            "provider": provider,
            "providers": providers,
            "day_form": day_form,
            "day": day,
            "session": session,
            "session_label": Session(session).label,
            "idempotency_key": key or idempotency.new_key(),
            "rows": [
                {
                    "row": row,
                    # Written six times in the row: escaped once, here, not by each.
                    "id": format_html("{}", row.placement_id),
                    "options": options(
                        codes.SHORTHAND.get(chosen.get(row.placement_id, ""))
                        or chosen.get(row.placement_id)
                        or (row.current.observed if row.current else "")
                    ),
                    "minutes": minutes_typed.get(row.placement_id)
                    or (
                        row.current.minutes_late if row.current and row.current.minutes_late else ""
                    ),
                    "error": errors.get(f"mark_{row.placement_id}", []),
                    "minutes_error": errors.get(f"minutes_{row.placement_id}", []),
                }
                for row in rows
            ],
            "errors": errors,
            "error_list": [m for messages_ in errors.values() for m in messages_]
            + [m for messages_ in day_form.errors.values() for m in messages_],
            "reason": reason,
            "cutoff": rules.cutoff_time(session),
        },
    )


@access_rule(policies.can_follow_up)
def task_list(request: SignedInRequest) -> HttpResponse:
    """Every open follow-up the user answers for, oldest first, a page at a time (the
    home page lists the oldest and links here for the rest)."""
    return render(
        request,
        "monitoring/task_list.html",
        {
            "paged": paginate(
                request, selectors.open_follow_ups_read_by(request.user), noun="open follow-up"
            )
        },
    )


@access_rule(policies.can_watch_in_ap_today)
def in_ap_today(request: SignedInRequest) -> HttpResponse:
    """Every child of the user's schools in alternative provision today, with today's
    attendance so far, by surname, a page at a time (the home page lists the first and
    links here for the rest)."""
    today = timezone.localdate()
    paged: Paged[Placement] = paginate(
        request,
        selectors.in_ap_today_read_by(request.user, today=today),
        # A row a placement: a child at two providers is on two rows.
        noun="placement",
    )
    return render(
        request,
        "monitoring/in_ap_today.html",
        {
            "paged": paged,
            "rows": [
                {"row": row, "colour": attention.STATE_COLOURS[row.state]}
                for row in selectors.with_todays_marks(paged.rows, today=today)
            ],
            "today": today,
        },
    )


@access_rule(policies.can_take_registers)
def check_ins_due(request: SignedInRequest) -> HttpResponse:
    """Every pupil at the user's providers with no check-in recorded this week (the home
    page lists the first and links here for the rest), by name, a page at a time."""
    placements = selectors.check_ins_due_read_by(request.user, today=timezone.localdate())
    return render_paged(request, "monitoring/check_ins_due.html", placements, noun="pupil")


@access_rule(policies.can_arrange_overdue_visits)
def overdue_visits(request: SignedInRequest) -> HttpResponse:
    """Every placement whose visit is overdue that the user is to arrange, overdue
    longest first, a page at a time (the home page lists the first and links here for
    the rest). A row a placement: a child at two providers is on two rows."""
    found = selectors.overdue_visits_read_by(request.user, today=timezone.localdate())
    paged: Paged[tuple[Placement, datetime.date]] = paginate(request, found, noun="placement")
    rows = [{"placement": placement, "due": due} for placement, due in paged.rows]
    return render(request, "monitoring/overdue_visits.html", {"paged": paged, "rows": rows})


@access_rule(policies.can_follow_up)
def closed_tasks(request: SignedInRequest) -> HttpResponse:
    """Closed follow-ups, newest first, a page at a time (every one, however old): who
    closed each, when, and what they found."""
    closed = selectors.closed_follow_ups_for(request.user)
    return render_paged(request, "monitoring/closed_tasks.html", closed, noun="closed follow-up")


@access_rule(policies.can_follow_up)
def close_task(request: SignedInRequest, task_id: int) -> HttpResponse:
    task = selectors.get_follow_up_to_close(request.user, task_id)
    form = CloseTaskForm(request.POST or None)
    return handle_form(
        request,
        form,
        lambda: workflow.close_follow_up(task, by=request.user, **form.cleaned_data),
        success_message="Follow-up closed.",
        redirect_to="monitoring:tasks",
        template="monitoring/close_task.html",
        context={"task": task},
    )


@access_rule(policies.can_view_placements)
def placement(request: SignedInRequest, placement_id: int) -> HttpResponse:
    """Attendance, check-ins, visits and follow-ups for one placement."""
    found = read_placement_for(request.user, placement_id, action="monitoring.placement_viewed")
    shown = selectors.attendance_shown_for(found)
    weeks = shown.weeks
    check_ins = selectors.check_ins_of(found)
    visits = selectors.visits_of(found)
    school_side = policies.can_record_visit(request.user, found)
    return render(
        request,
        "monitoring/placement.html",
        {
            "placement": found,
            "summary": shown.summary,
            "pupil_summary": selectors.attendance_of_pupil(found.pupil),
            "weeks": weeks,
            "attendance_chart": attendance_chart(weeks) if weeks else "",
            "persistent_line": persistent_absence_percent(),
            "home_code": plan.home_school_code(found),
            "check_ins": check_ins,
            "trend": check_in_trend(
                check_ins,
                frozenset({found.pk})
                if policies.can_read_check_in_comments(request.user, found)
                else frozenset(),
            ),
            "visits": visits,
            "next_visit_due": selectors.next_visit_due(found, visits),
            "today": timezone.localdate(),
            "follow_ups": selectors.follow_ups_of(found) if school_side else [],
            "school_side": school_side,
            "can_check_in": policies.can_record_check_in(request.user, found),
            "can_raise_concern": policies.can_raise_concern_from(request.user, found),
            "history": shown.corrections,
            "absences": shown.absences,
            "can_code": policies.can_code_attendance_of(request.user, found),
        },
    )


@access_rule(policies.can_view_placements)
def attendance_export(request: SignedInRequest, placement_id: int, fmt: str) -> HttpResponseBase:
    """Every current mark: what the provider recorded, and the home school's code for
    its MIS (D, B or K; for an absence the school's code, N until it codes it). One
    pupil's records: logged, without asking for the code again."""
    found = read_placement_for(
        request.user, placement_id, action=f"monitoring.attendance_{fmt}_exported"
    )
    pupil = found.pupil
    rows = [
        (
            pupil.upn,
            pupil.legal_last_name,
            pupil.legal_first_name,
            m.date,
            m.session.upper(),
            m.observed_label,
            code,
            codes.get(code).meaning,
            found.provider.name,
            timezone.localtime(m.recorded_at).isoformat(timespec="minutes"),
            str(m.recorded_by),
            str(m.coded_by or ""),
        )
        for m in selectors.current_marks(placement=found)
        .select_related("coded_by")
        .order_by("date", "session")
        for code in [plan.mis_code(found, m)]
    ]
    return download(
        fmt,
        Sheet(
            f"attendance-{pupil.upn}-{found.pk}",
            ATTENDANCE_COLUMNS,
            rows,
        ),
    )


ATTENDANCE_COLUMNS = (
    "UPN",
    "Surname",
    "Forename",
    "Date",
    "Session",
    "Provider recorded",
    "Home school code",
    "Meaning",
    "Provider",
    "Recorded at",
    "Recorded by",
    "Coded by the school",
)


@access_rule(policies.can_code_attendance)
def absences_to_code(request: SignedInRequest) -> HttpResponse:
    """The home school's queue: absences the provider reported, shown as N until coded;
    every one, oldest first, a page at a time."""
    queue = selectors.absences_to_code_for(request.user)
    return render_paged(
        request,
        "monitoring/absences_to_code.html",
        queue,
        noun="absence to code",
        plural="absences to code",
    )


ABSENCE_COLUMNS = (
    "UPN",
    "Pupil",
    "Provider",
    "Date",
    "Session",
    "Provider recorded",
    "Code now",
)


@access_rule(policies.can_code_attendance)
@requires_recent_second_factor
def absences_export(request: SignedInRequest, fmt: str) -> HttpResponseBase:
    """The whole queue (every page of it), oldest first, as CSV or XLSX: more than one
    pupil's attendance, so the code is asked for again and the export is logged."""
    marks = selectors.absences_to_export(request.user)
    rows = (
        (
            m.placement.pupil.upn,
            m.placement.pupil.display_name,
            m.placement.provider.name,
            m.date,
            m.get_session_display(),
            m.observed_label,
            "N",
        )
        # Read in chunks as the file streams out, not all at once.
        for m in marks.iterator(chunk_size=2000)
    )
    return download(
        fmt, Sheet(f"absences-to-code-{timezone.localdate():%Y-%m-%d}", ABSENCE_COLUMNS, rows)
    )


@access_rule(policies.can_code_attendance)
def code_absence(request: SignedInRequest, mark_id: int) -> HttpResponse:
    mark = selectors.get_absence_to_code(request.user, mark_id)
    form = CodeAbsenceForm(request.POST or None, recoding=bool(mark.code))
    return handle_form(
        request,
        form,
        lambda: services.code_absence(mark, by=request.user, **form.cleaned_data),
        success_message=lambda _coded: (
            f"{mark.placement.pupil.display_name}'s absence on {mark.date:%-d %B %Y} "
            f"is coded {form.cleaned_data['code']}."
        ),
        redirect_to="monitoring:absences",
        template="monitoring/code_absence.html",
        context={"mark": mark},
    )


@access_rule(policies.can_take_registers)
def check_in(request: SignedInRequest, placement_id: int) -> HttpResponse:
    found = selectors.get_placement_to_mark(request.user, placement_id)
    form = CheckInForm(request.POST or None, initial={"week_of": timezone.localdate()})
    idempotency.add_key_field(form)
    return _form_page(
        request,
        form,
        lambda: _concern_or_saved(
            request,
            found.pupil_id,
            {k: v for k, v in form.cleaned_data.items() if k != idempotency.FIELD},
            ("comments", "child_words"),
            lambda values: _record_check_in(found, request.user, values),
        ),
        done=lambda concern: (
            "Check-in saved without its comments." if concern else "Check-in saved."
        ),
        redirect_to=lambda concern: (
            _concern_form(found.pupil_id) if concern else _placement_url(found.pk)
        ),
        page=FormPage(
            heading="Weekly check-in",
            caption=found.pupil.display_name,
            back=_placement_url(found.pk),
        ),
        once=Once("monitoring.check_in", "This check-in was already saved."),
    )


@access_rule(policies.can_follow_up)
def schedule_visit(request: SignedInRequest, placement_id: int) -> HttpResponse:
    found = get_placement_for(request.user, placement_id)
    if not policies.can_record_visit(request.user, found):
        raise Http404("No such placement.")
    form = ScheduleVisitForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: services.schedule_visit(found, by=request.user, **form.cleaned_data),
        done="Visit scheduled.",
        page=FormPage(
            heading="Schedule a visit",
            caption=f"{found.pupil.display_name} at {found.provider}",
            back=_placement_url(found.pk),
        ),
    )


@access_rule(policies.can_follow_up)
def log_visit(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = selectors.get_visit_for(request.user, visit_id)
    form = LogVisitForm(
        request.POST or None,
        initial={
            "visited_on": visit.scheduled_for,
            "visitors": getattr(request.user, "full_name", ""),
        },
    )
    return _form_page(
        request,
        form,
        lambda: _concern_or_saved(
            request,
            visit.placement.pupil_id,
            dict(form.cleaned_data),
            ("child_views", "safeguarding_notes"),
            lambda values: workflow.log_visit(
                visit, by=request.user, record=workflow.VisitRecord(**values)
            ),
        ),
        done=lambda concern: "Visit logged without the concern." if concern else "Visit logged.",
        redirect_to=lambda concern: (
            _concern_form(visit.placement.pupil_id)
            if concern
            else _placement_url(visit.placement_id)
        ),
        page=FormPage(
            heading="Log a visit",
            caption=f"{visit.placement.pupil.display_name} at {visit.placement.provider}",
            back=_placement_url(visit.placement_id),
        ),
    )
