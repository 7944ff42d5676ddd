"""Forms of the second factor and of re-authentication."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .two_factor import TOTP_CODE, is_code_shaped, normalise_code

CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "off",
    "spellcheck": "false",
    "autofocus": True,
}


class SecondFactorForm(forms.Form):
    """The code of the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code your authenticator app shows, or a recovery code."),
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not is_code_shaped(code):
            raise forms.ValidationError(
                _("Enter the 6 digits from your authenticator app, or a recovery code.")
            )
        return code


class EnrolmentForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The 6 digits the app shows now for Qamqor."),
        widget=forms.TextInput(attrs={**CODE_ATTRS, "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not TOTP_CODE.fullmatch(code):
            raise forms.ValidationError(_("Enter the 6 digits the app shows."))
        return code


class ReauthenticationForm(SecondFactorForm):
    """The password, and the second factor when the user has one."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["password", "code"]

    def __init__(self, *args: Any, with_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_code:
            self.fields["code"].widget.attrs.pop("autofocus", None)
        else:
            del self.fields["code"]
