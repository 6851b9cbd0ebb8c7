from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import PUBLIC, SIGNED_IN, TOKEN, access_rule
from apcase.accounts import selectors as accounts_selectors
from apcase.chronology.services import log_access
from apcase.core import attention
from apcase.core.words import counted
from apcase.notifications import centre

from . import calendar, records, worklist


@access_rule(SIGNED_IN)
def home(request: SignedInRequest) -> HttpResponse:
    memberships = policies.active_memberships(request.user)
    return render(
        request,
        "home/home.html",
        {
            "memberships": memberships,
            "work": worklist.compose(memberships, attention.items_for(request.user)),
            "can_manage_users": policies.can_manage_users_somewhere(request.user),
            "can_view_board": policies.can_view_compliance_board(request.user),
            "can_view_outcomes": policies.can_view_outcome_dashboard(request.user),
        },
    )


@access_rule(PUBLIC)
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "home/accessibility.html")


@access_rule(PUBLIC)
def privacy_notice(request: HttpRequest) -> HttpResponse:
    # The notice states the retention period the review (records.due_for_review) applies.
    return render(
        request, "home/privacy.html", {"child_record_years": records.child_record_years()}
    )


@access_rule(SIGNED_IN)
def notifications(request: SignedInRequest) -> HttpResponse:
    """The person's own alerts, newest first, the unread ones tagged "New"."""
    return render(
        request,
        "home/notifications.html",
        {
            "notifications": centre.latest_for(request.user),
            "shown": centre.SHOWN,
            "daily_digest": centre.daily_digest_chosen(request.user),
        },
    )


@access_rule(SIGNED_IN)
@require_POST
def mark_notifications_read(request: SignedInRequest) -> HttpResponse:
    marked = centre.mark_all_read(request.user)
    messages.success(request, f"{counted(marked, 'notification')} marked as read.")
    return redirect("notifications")


FEED_READ = "calendar_feed_read"


@access_rule(TOKEN)
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's calendar feed, fetched by their calendar program with no session: the
    token in the address is the credential (404 when it opens nothing)."""
    owner = accounts_selectors.calendar_feed_owner(token)
    # Each use of the token is logged, as each use of an API key is: a copied address
    # shows as reads nobody made.
    log_access(by=owner, action=FEED_READ, target=owner)
    response = HttpResponse(calendar.feed_for(owner), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="apcase.ics"'
    return response
