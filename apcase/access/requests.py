"""The request type of a view behind a rule other than PUBLIC.

`AccessRuleMiddleware` sends anyone not signed in to the sign-in page before such a view
runs, so its `request.user` is always a `User`, never `AnonymousUser`. Annotating the
view's request as `SignedInRequest` says so to the type checker, and lets the view pass
`request.user` to services (`by: User`) and policies (`user: User`) as it stands."""

from django.http import HttpRequest

from apcase.accounts.models import User


class SignedInRequest(HttpRequest):
    user: User
