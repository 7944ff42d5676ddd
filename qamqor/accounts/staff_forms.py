"""Forms of the staff pages: the list filter, a new user, a role given to a member."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .access import grantable_roles, manageable_agencies
from .models import Agency, User

# The validators' own messages have no Kazakh translation in Django; ours say the same.
PASSWORD_MESSAGES = {
    "password_too_short": _("The password is too short: the minimum length is %(min_length)d."),
    "password_too_common": _("This password is too common."),
    "password_entirely_numeric": _("This password is made of digits only."),
    "password_too_similar": _("This password is too like the username, the name or the e-mail."),
}


def _minimum_password_length() -> int:
    lengths = [
        validator.min_length
        for validator in password_validation.get_default_password_validators()
        if isinstance(validator, password_validation.MinimumLengthValidator)
    ]
    return max(lengths, default=1)


def _password_errors(error: ValidationError) -> list[ValidationError]:
    own = []
    for item in error.error_list:
        message = PASSWORD_MESSAGES.get(item.code or "")
        if message is None:
            own.append(item)
        else:
            own.append(ValidationError(message, code=item.code, params=item.params))
    return own


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.region.name})"


def _agency_field(actor: User, **kwargs: Any) -> AgencyChoiceField:
    return AgencyChoiceField(
        label=_("Agency"),
        queryset=manageable_agencies(actor).select_related("region"),
        error_messages={"invalid_choice": _("Choose one of the agencies offered.")},
        **kwargs,
    )


def _role_field(actor: User) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Role"),
        queryset=grantable_roles(actor, None),
        error_messages={"invalid_choice": _("Choose one of the roles offered.")},
    )


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Username or name"), required=False, max_length=150)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"] = _agency_field(actor, required=False, empty_label=_("All agencies"))

    def filter(self, users: QuerySet[User]) -> QuerySet[User]:
        query = self.cleaned_data.get("q", "").strip()
        if query:
            users = users.filter(
                Q(username__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
            )
        agency = self.cleaned_data.get("agency")
        if agency is not None:
            users = users.filter(pk__in=agency.memberships.values("user_id"))
        return users


class _RoleInAgency(forms.Form):
    """An agency the actor manages and a role they may give there."""

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["agency"] = _agency_field(actor)
        self.fields["role"] = _role_field(actor)
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        agency, role = cleaned.get("agency"), cleaned.get("role")
        if agency is None or role is None:
            return cleaned
        if not grantable_roles(self.actor, agency).filter(pk=role.pk).exists():
            self.add_error("role", _("You cannot give this role in this agency."))
        return cleaned


class AddRoleForm(_RoleInAgency):
    def __init__(self, *args: Any, actor: User, member: User, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.member = member

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        agency, role = cleaned.get("agency"), cleaned.get("role")
        if agency is not None and role is not None and not self.errors:
            held = self.member.memberships.filter(agency=agency, role=role, ended_at__isnull=True)
            if held.exists():
                self.add_error("role", _("They hold this role in this agency already."))
        return cleaned


class NewStaffMemberForm(_RoleInAgency):
    """A new user with a first role; the password passes the project's validators."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; used to sign in."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    last_name = forms.CharField(label=_("Surname"), max_length=150)
    email = forms.EmailField(label=_("Work e-mail"), required=False)
    password1 = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Initial password, again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = [
        "username", "first_name", "last_name", "email", "agency", "role", "password1", "password2",
    ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = gettext(
            "At least %(min_length)d characters; not a common password, not digits only, not "
            "like the username or the name. Hand it over in person, never by e-mail."
        ) % {"min_length": _minimum_password_length()}

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        try:
            User.username_validator(username)
        except ValidationError:
            raise ValidationError(
                _("Use letters, digits and @ . + - _ only."), code="invalid"
            ) from None
        # Names that differ only in case would be told apart by no one at sign-in.
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("A user with this username exists already."), code="unique")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password and cleaned.get("password2") and password != cleaned["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        if password:
            candidate = User(
                username=cleaned.get("username", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
                email=cleaned.get("email", ""),
            )
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                for item in _password_errors(error):
                    self.add_error("password1", item)
        return cleaned
