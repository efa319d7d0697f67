from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken

VALIDITY_CHOICES = [
    (30, _("30 days")),
    (90, _("90 days")),
    (180, _("180 days")),
    (365, _("1 year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the new token"), max_length=100,
                           help_text=_("For example the integration that will use it."))
    days = forms.TypedChoiceField(label=_("Valid for"), choices=VALIDITY_CHOICES, coerce=int,
                                  initial=ApiToken.DEFAULT_DAYS, required=False,
                                  empty_value=ApiToken.DEFAULT_DAYS)
