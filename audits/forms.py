"""Forms of the audit pages: a maturity assessment, the audited organisation's response, a
recommendation turned into an action. The services check the rules; the forms keep what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, FrameworkRequirement
from core.tenancy import Tenant

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssessmentForm(forms.Form):
    requirement = forms.ModelChoiceField(label=_("Requirement"), queryset=FrameworkRequirement.objects.none())
    level = forms.TypedChoiceField(label=_("Maturity level"), coerce=int, choices=())
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, tenant: Tenant, audit: Audit, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = (
            tenant.scope(FrameworkRequirement).filter(framework__in=audit.frameworks.all())
            .select_related("framework", "control").order_by("framework__name", "order", "pk"))
        self.fields["requirement"].label_from_instance = lambda r: f"{r.framework.name} {r.code} {r.display_title}"
        self.fields["level"].choices = [(level.level, str(level)) for level in levels]


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("Response of the audited organisation"), max_length=10000,
                               widget=forms.Textarea(attrs={"rows": 4}))


class RecommendationActionForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DATE, required=False)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenant.users()
        self.fields["owner"].label_from_instance = lambda u: u.full_name or u.email
