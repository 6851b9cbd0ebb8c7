"""The sign-in backend: Django's ModelBackend (password check, active accounts only),
whose read of the signed-in account on each request also reads how many of their
alerts are unread, for the header every page draws: one round trip fewer on every
signed-in page (docs/adr/0014). Everything ModelBackend checks it still checks."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from apcase.notifications import centre

from .models import User


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.annotate(
                **{
                    centre.UNREAD_ON_USER: centre.unread_count_of_each(
                        User._meta.db_table, User._meta.pk.column
                    )
                }
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
