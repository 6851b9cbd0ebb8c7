"""What services need to know about the request that called them (for the audit
record) without every service taking a request argument."""

from contextvars import ContextVar, Token

_client_ip: ContextVar[str | None] = ContextVar("apcase_client_ip", default=None)


def current_ip() -> str | None:
    return _client_ip.get()


def set_current_ip(ip: str | None) -> Token[str | None]:  # returns a token for reset
    return _client_ip.set(ip)


def reset_current_ip(token: Token[str | None]) -> None:
    _client_ip.reset(token)
