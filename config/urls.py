from django.urls import include, path

from apcase.home import views as home_views

handler400 = "apcase.core.views.bad_request"
handler403 = "apcase.core.views.permission_denied"
handler404 = "apcase.core.views.page_not_found"
handler500 = "apcase.core.views.server_error"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("notifications/", home_views.notifications, name="notifications"),
    path("notifications/read/", home_views.mark_notifications_read, name="notifications_read"),
    path("calendar/<str:token>.ics", home_views.calendar_feed, name="calendar_feed"),
    path("accessibility/", home_views.accessibility_statement, name="accessibility"),
    path("privacy/", home_views.privacy_notice, name="privacy"),
    path("account/", include("apcase.accounts.urls")),
    path("organisations/", include("apcase.accounts.org_urls")),
    path("providers/", include("apcase.directory.urls")),
    path("pupils/", include("apcase.pupils.urls")),
    path("school-days/", include("apcase.schooldays.urls")),
    path("referrals/", include("apcase.referrals.urls")),
    path("panel/", include("apcase.panel.urls")),
    path("placements/", include("apcase.placements.urls")),
    path("monitoring/", include("apcase.monitoring.urls")),
    path("concerns/", include("apcase.safeguarding.urls")),
    path("reviews/", include("apcase.reviews.urls")),
    path("reintegration/", include("apcase.reintegration.urls")),
    path("census/", include("apcase.census.urls")),
    path("oversight/", include("apcase.oversight.urls")),
    path("api/", include("apcase.api.urls")),
]
