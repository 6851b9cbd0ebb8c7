from typing import Any

from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
    SetPasswordMixin,
)
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from apcase.core.forms import GovukFormHelper, SimpleForm, YesNoField
from apcase.core.middleware import client_ip

from . import services
from .models import Invitation, Organisation, User
from .roles import ROLES_BY_KIND, OrganisationKind, Role


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "This account has been deactivated.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Sign in"),
        )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, for example 123456.",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, submit_label: str = "Continue", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.text("token", field_width=10), Submit("submit", submit_label)
        )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError("Enter the code using numbers only.")
        return token


class PasswordResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.text("email", field_width=Fluid.TWO_THIRDS), Submit("submit", "Send reset link")
        )

    def save(  # noqa: PLR0913 - Django's PasswordResetView passes these keywords
        self,
        domain_override: str | None = None,
        subject_template_name: str = "accounts/email/password_reset_subject.txt",
        email_template_name: str = "accounts/email/password_reset.txt",
        use_https: bool = False,
        token_generator: Any = default_token_generator,
        from_email: str | None = None,
        request: HttpRequest | None = None,
        html_email_template_name: str | None = None,
        extra_email_context: dict[str, Any] | None = None,
    ) -> None:
        """Hand the request to the service: it writes the same rows whether or not the
        address has an account, applies the rate limits, and only queues the email (the
        outbox sender delivers it after the response)."""
        domain = domain_override or (get_current_site(request).domain if request else "")
        services.request_password_reset(
            email=self.cleaned_data["email"],
            ip=client_ip(request) if request is not None else None,
            domain=domain,
            use_https=use_https,
            token_generator=token_generator,
            subject_template=subject_template_name,
            body_template=email_template_name,
        )


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = (
            "At least 12 characters. Avoid common passwords and anything like your name or email."
        )
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Save new password"),
        )


# The longest values the models hold (User.full_name, Invitation.email): longer input
# is refused with a message, never passed on to fail in the database (issue 9).
NAME_MAX = 150
EMAIL_MAX = 254
NAME_TOO_LONG = f"Full name must be {NAME_MAX} characters or fewer"
EMAIL_TOO_LONG = f"Email address must be {EMAIL_MAX} characters or fewer"


class InviteUserForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=NAME_MAX, error_messages={"max_length": NAME_TOO_LONG}
    )
    email = forms.EmailField(
        label="Email address",
        max_length=EMAIL_MAX,
        error_messages={"max_length": EMAIL_TOO_LONG},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fitting = ROLES_BY_KIND.get(organisation.kind, frozenset())
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)  # noqa: S101
        role_field.choices = [(value, label) for value, label in Role.choices if value in fitting]
        role_field.error_messages["invalid_choice"] = "Select a role from the list"
        role_field.error_messages["required"] = "Select a role"
        self.fields["full_name"].error_messages["required"] = "Enter the person's full name"
        self.fields["email"].error_messages["required"] = "Enter the person's email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Submit("submit", "Send invitation"),
        )


class AcceptInvitationForm(SetPasswordMixin, forms.Form):
    """A new account's name and password; for someone who already has an account the
    form has no fields and only confirms."""

    full_name = forms.CharField(
        label="Full name", max_length=NAME_MAX, error_messages={"max_length": NAME_TOO_LONG}
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="Password", label2="Confirm password"
    )

    def __init__(
        self, *args: Any, invitation: Invitation, new_account: bool, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"full_name": invitation.full_name})
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.new_account = new_account
        self.helper = GovukFormHelper()
        if not new_account:
            for name in ("full_name", "password1", "password2"):
                del self.fields[name]
            self.helper.layout = Layout(Submit("submit", "Accept invitation"))
            return
        self.fields["full_name"].error_messages["required"] = "Enter your full name"
        self.fields[
            "password1"
        ].help_text = (
            "At least 12 characters. Avoid common passwords and anything like your name or email."
        )
        self.fields["password1"].error_messages["required"] = "Enter a password"
        self.fields["password2"].help_text = ""
        self.fields["password2"].error_messages["required"] = "Enter the password again"
        self.error_messages = {"password_mismatch": "The two passwords do not match"}  # nosec B105 - a message
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("password1", field_width=Fluid.TWO_THIRDS),
            Field.text("password2", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Create account"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.new_account:
            self.validate_passwords()
            user = User(email=self.invitation.email, full_name=cleaned.get("full_name", ""))
            self.validate_password_for_user(user, password_field_name="password1")  # noqa: S106  # nosec B106 - a field name
        return cleaned


NUMBER_MAX = 99_999_999


def _number_messages(name: str) -> dict[str, str]:
    wrong = f"Enter the {name} as a whole number of up to 8 digits, like 123456"
    return {"invalid": wrong, "min_value": wrong, "max_value": wrong}


class OrganisationForm(forms.ModelForm):
    """System admins' form for an organisation. `kind` is chosen once, at creation:
    memberships' roles depend on it."""

    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of organisation"},
    )
    # Bounded, so a number too big for the database column (10^20 gave a 500) is
    # refused with a message. URNs are 6 digits and UKPRNs 8; 8 digits allows for both.
    urn = forms.IntegerField(
        label="URN",
        required=False,
        min_value=1,
        max_value=NUMBER_MAX,
        help_text="Unique reference number from Get Information about Schools, if it has one.",
        error_messages=_number_messages("URN"),
    )
    ukprn = forms.IntegerField(
        label="UKPRN",
        required=False,
        min_value=1,
        max_value=NUMBER_MAX,
        error_messages=_number_messages("UKPRN"),
    )

    class Meta:
        model = Organisation
        fields = ["kind", *services.ORGANISATION_FIELDS]
        widgets = {"status": forms.RadioSelect}
        labels = {
            "local_authority": "Local authority",
            "la_code": "LA code",
            "street": "Street",
        }
        help_texts = {
            "local_authority": "Schools and providers only.",
            "urn": "Unique reference number from Get Information about Schools, if it has one.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        if creating:
            del self.fields["status"]
        else:
            del self.fields["kind"]
        la_field = self.fields["local_authority"]
        assert isinstance(la_field, forms.ModelChoiceField)  # noqa: S101
        la_field.queryset = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY)
        la_field.empty_label = "None"
        self.fields["name"].error_messages["required"] = "Enter the organisation's name"
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            *([Field.radios("kind", legend_size=Size.SMALL)] if creating else []),
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.select("local_authority"),
            Field.text("urn", field_width=10),
            Field.text("ukprn", field_width=10),
            Field.text("la_code", field_width=4),
            *([] if creating else [Field.radios("status", legend_size=Size.SMALL)]),
            Field.text("street", field_width=Fluid.TWO_THIRDS),
            Field.text("town", field_width=Fluid.TWO_THIRDS),
            Field.text("postcode", field_width=10),
            Field.text("website", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Add organisation" if creating else "Save changes"),
        )

    def _post_clean(self) -> None:
        # The service validates the organisation (local authority, unique URN) and
        # saves it; the form only parses input and must not change the instance.
        pass

    def details(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "kind"}


class EmailChoiceForm(SimpleForm):
    daily_digest = YesNoField(
        label="How do you want to get emails that are not urgent?",
        choices=[("no", "Straight away, one email for each"), ("yes", "Once a day, in a summary")],
        help_text="Urgent emails (a safeguarding concern, a child absent with no reason, a "
        "missed register) always come straight away. Every message is also in your "
        "notifications as soon as it is sent.",
    )
