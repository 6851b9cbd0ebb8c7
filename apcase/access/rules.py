"""How a view declares who may reach it. Default deny: `AccessRuleMiddleware` refuses
any view that has not declared a rule, so a forgotten guard fails closed (and the
URL-walk test in tests/access fails loudly)."""

from collections.abc import Callable
from typing import Any, TypeVar

V = TypeVar("V")


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


PUBLIC = _Marker("PUBLIC")  # anyone, signed in or not (sign-in page, accessibility)
PASSWORD_ONLY = _Marker("PASSWORD_ONLY")  # signed in, second factor still to come
SIGNED_IN = _Marker("SIGNED_IN")  # signed in with both factors, any role
# The REST API (apcase.api): no session at all. The request carries an organisation's API
# key, which the API's own authentication checks (401 without one); its scope and the
# named predicate of the endpoint are checked there too (403), and its scoped selectors
# answer 404 as the pages' do.
API_KEY = _Marker("API_KEY")
# Reached with no session, by a secret token in the URL that the view itself checks
# against a stored hash (answering 404 for any token that opens nothing): a calendar
# program fetching a person's feed. The gate lets it through as it does PUBLIC; the
# marker says the page is not public at all, and the walk proves the 404s.
TOKEN = _Marker("TOKEN")

Rule = _Marker | Callable[[Any], bool]


def access_rule(rule: Rule) -> Callable[[V], V]:
    """Declare the rule on a function view or a class-based view."""

    def decorate(view: V) -> V:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorate


def rule_of(view_func: Any) -> Rule | None:
    rule = getattr(view_func, "access_rule", None)
    if rule is None:
        view_class = getattr(view_func, "view_class", None)
        rule = getattr(view_class, "access_rule", None)
    return rule
