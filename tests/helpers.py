"""Page assertions for tests: the status code is checked first, every time, so a test
never passes against an error page (a 403 or a 404 also has text and makes queries).

    page = assert_page(client.get(url), contains=["Ada Lovelace"])
    assert_page(client.post(url, data), status=302, redirects_to=reverse("pupils:list"))
"""

from collections.abc import Iterable

from django.http import HttpResponse


def page_text(response: HttpResponse) -> str:
    return response.content.decode()


def assert_page(
    response: HttpResponse,
    *,
    status: int = 200,
    contains: str | Iterable[str] = (),
    lacks: str | Iterable[str] = (),
    redirects_to: str | None = None,
) -> str:
    """Check the status code, then what the page says; return the page's text."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.content[:300]!r}"
    )
    if redirects_to is not None:
        assert response["Location"] == redirects_to, response["Location"]
    text = page_text(response) if not getattr(response, "streaming", False) else ""
    for wanted in [contains] if isinstance(contains, str) else contains:
        assert wanted in text, f"{wanted!r} is not on the page"
    for unwanted in [lacks] if isinstance(lacks, str) else lacks:
        assert unwanted not in text, f"{unwanted!r} is on the page"
    return text


def travel_to(monkeypatch, day):  # type: ignore[no-untyped-def]
    """Make `day` today for the rest of the test: `timezone.localdate()` answers `day`
    and `timezone.now()` the same time of day on `day` (the clock keeps running), for
    code that asks "is it the meeting's day yet?" without waiting for the calendar."""
    import datetime

    from django.utils import timezone

    real_now, real_localdate = timezone.now, timezone.localdate
    shift = day - real_localdate()

    def now() -> datetime.datetime:
        return real_now() + shift

    def localdate(value=None, timezone=None):  # type: ignore[no-untyped-def]
        if value is None:
            return real_localdate(now(), timezone)
        return real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.now", now)
    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def generate_authority(monkeypatch, day):  # type: ignore[no-untyped-def]
    """Make `day` today and write the demo plus a generated authority at 1% of its size
    (seed_demo, then generate_scale_data --scale 0.01): a year of registers, visits,
    reviews and alerts for each child, for tests that compare a page with the rules at
    scale. Sign in as one of its people with `scale_user`."""
    from django.core.management import call_command
    from django.test import override_settings

    travel_to(monkeypatch, day)
    with override_settings(APCASE_ENV="development"):
        call_command("seed_demo", stdout=None)
    call_command("generate_scale_data", "--scale", "0.01", "--no-progress", stdout=None)


def scale_user(role: str):  # type: ignore[no-untyped-def]
    """The generated authority's account with this role (see generate_authority)."""
    from apcase.accounts.models import User
    from apcase.home import scale

    email = next(a.email for a in scale.accounts() if a.role == role)
    return User.objects.get(email=email)


def queries_asked(client, urls: Iterable[str], *, contains: str | Iterable[str]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """How many queries one request for each of `urls` asks, each page checked first
    (status 200 and `contains`): taken before and after the data grows, the two must be
    equal for a page whose queries are flat in its data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    asked = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert_page(client.get(url), contains=contains)
        asked[url] = len(captured)
    return asked


def assert_read_logged(response: HttpResponse, *, action: str, actor, contains: str) -> None:  # type: ignore[no-untyped-def]
    """The page answered, shows `contains`, and its read is in the access log as
    `action` by `actor`."""
    from apcase.chronology.models import AccessLogEntry

    assert_page(response, contains=contains)
    assert AccessLogEntry.objects.filter(action=action, actor_id=actor.pk).exists(), (
        f"no {action!r} read by {actor} in the access log"
    )
