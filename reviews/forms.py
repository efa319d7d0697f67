"""Forms of the management review pages; the services check the rules, the forms keep what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.tenancy import Tenant
from reviews.models import ManagementReview, ReviewStatus
from reviews.services import EDITABLE_STATUSES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _name(user) -> str:
    return user.full_name or user.email


class ReviewForm(forms.ModelForm):
    class Meta:
        model = ManagementReview
        fields = ["title", "held_on", "period_start", "period_end", "status", "chair", "participants",
                  "other_participants", "interested_parties_changes", "objectives", "interested_parties_feedback",
                  "improvement_opportunities", "conclusions"]
        widgets = {"held_on": DATE, "period_start": DATE, "period_end": DATE,
                   "participants": forms.CheckboxSelectMultiple,
                   **{name: forms.Textarea(attrs={"rows": 3}) for name in (
                       "other_participants", "interested_parties_changes", "objectives", "interested_parties_feedback",
                       "improvement_opportunities", "conclusions")}}
        help_texts = {
            "interested_parties_changes": _("ISO/IEC 27001:2022 9.3.2 c)."),
            "objectives": _("ISO/IEC 27001:2022 9.3.2 d) 4: how the information security objectives were met."),
            "interested_parties_feedback": _("ISO/IEC 27001:2022 9.3.2 e)."),
            "improvement_opportunities": _("ISO/IEC 27001:2022 9.3.2 g)."),
        }

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        people = tenant.users()
        self.fields["chair"].queryset = people
        self.fields["chair"].label_from_instance = _name
        self.fields["participants"].queryset = people
        self.fields["participants"].label_from_instance = _name
        self.fields["status"].choices = [(s.value, s.label) for s in ReviewStatus if s in EDITABLE_STATUSES]


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DATE, required=False)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenant.users()
        self.fields["owner"].label_from_instance = _name
