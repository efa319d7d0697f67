"""Forms of the audit pages: a maturity assessment, the audited organisation's response, a
recommendation turned into an action. The services check the rules; the forms keep what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import use_picker
from audits.models import Audit, Framework, FrameworkRequirement
from core.findings import PRIORITIES
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
        use_picker(self, "owner", "people")


class AuditForm(forms.ModelForm):
    """An audit or self-assessment: its introduction, questions and answers, period, auditors and frameworks."""

    class Meta:
        model = Audit
        fields = ["kind", "title", "reference", "commissioned_by", "status", "period_start", "period_end",
                  "report_date", "auditors", "frameworks", "background", "purpose", "criteria", "questions",
                  "answers", "scope", "method", "summary", "review", "sources"]
        widgets = {"period_start": DATE, "period_end": DATE, "report_date": DATE,
                   "frameworks": forms.CheckboxSelectMultiple,
                   **{name: forms.Textarea(attrs={"rows": 3}) for name in (
                       "background", "purpose", "criteria", "questions", "answers", "scope", "method", "summary",
                       "review", "sources")}}

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auditors"].queryset = tenant.users()
        self.fields["auditors"].label_from_instance = lambda u: u.full_name or u.email
        self.fields["auditors"].help_text = _("Those who write the audit's observations and assessments "
                                              "(none chosen: you).")
        use_picker(self, "auditors", "people")
        self.fields["frameworks"].queryset = tenant.scope(Framework).filter(withdrawn=False).order_by("name", "pk")


class ObservationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", "–")] + [(k, v) for k, v in PRIORITIES.items()])
    description = forms.CharField(label=_("Observation"), widget=forms.Textarea(attrs={"rows": 5}))
    risk = forms.CharField(label=_("Risk"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    recommendations = forms.CharField(label=_("Recommendations"), required=False,
                                      help_text=_("One recommendation per line, numbered in this order."),
                                      widget=forms.Textarea(attrs={"rows": 4}))

    def clean_recommendations(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["recommendations"].splitlines() if line.strip()]
