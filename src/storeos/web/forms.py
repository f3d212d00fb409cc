"""Forms of the shell pages: sign-in and the store switcher."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class StoreSwitchForm(forms.Form):
    # Empty means "no store": chain-wide prices, for users with a chain-wide grant.
    store_id = forms.IntegerField(required=False)
