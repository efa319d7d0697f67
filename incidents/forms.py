from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import use_picker
from core.tenancy import Tenant
from incidents import documents, services
from incidents.models import Category, Review, Severity
from inventory.models import InformationType, System
from risk.models import Risk
from suppliers.models import Supplier

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECKS = forms.CheckboxSelectMultiple
UNKNOWN_YES_NO = [("", _("Not assessed yet")), ("yes", _("Yes")), ("no", _("No"))]


def _name_of(user) -> str:
    return user.full_name or user.email


class TriState(forms.TypedChoiceField):
    """Yes, no, or not assessed yet (None)."""

    def __init__(self, **kwargs):
        super().__init__(choices=UNKNOWN_YES_NO, required=False, empty_value=None,
                         coerce=lambda v: {"yes": True, "no": False}.get(v), **kwargs)

    def prepare_value(self, value):
        return {True: "yes", False: "no"}.get(value, value or "")


def _own(tenant: Tenant, model):
    return tenant.scope(model).filter(organisation_id=tenant.organisation.pk)


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("open", _("Open")), ("closed", _("Closed"))])
    due = forms.BooleanField(label=_("A deadline within 24 hours or passed"), required=False)
    significant = forms.BooleanField(label=_("Significant incidents"), required=False)
    breach = forms.BooleanField(label=_("Personal data breaches"), required=False)
    without_review = forms.BooleanField(label=_("Closed without the required review"), required=False)


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.OTHER)
    detected_at = forms.DateTimeField(label=_("Became aware"), widget=DATETIME, input_formats=DATETIME_FORMATS,
                                      help_text=_("When your organisation became aware of it: the legal deadlines "
                                                  "count from then."))
    occurred_at = forms.DateTimeField(label=_("Occurred"), required=False, widget=DATETIME,
                                      input_formats=DATETIME_FORMATS)
    affected_services = forms.CharField(label=_("Affected services"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    possible_breach = forms.BooleanField(label=_("Personal data may be affected"), required=False)
    systems = forms.ModelMultipleChoiceField(label=_("Affected systems"), required=False, queryset=None,
                                             widget=CHECKS)
    information_types = forms.ModelMultipleChoiceField(label=_("Affected information types"), required=False,
                                                       queryset=None, widget=CHECKS)
    suppliers = forms.ModelMultipleChoiceField(label=_("Suppliers involved"), required=False, queryset=None,
                                               widget=CHECKS)
    addressees = forms.ModelMultipleChoiceField(
        label=_("Affected organisations you serve"), required=False, queryset=None, widget=CHECKS,
        help_text=_("Each is told at once, becomes aware now and makes its own assessments."))

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = _own(tenant, System).filter(archived_at__isnull=True).order_by("name")
        self.fields["information_types"].queryset = _own(tenant, InformationType).order_by("name")
        self.fields["suppliers"].queryset = tenant.scope(Supplier).order_by("name")
        customers = tenant.customers()
        self.fields["addressees"].queryset = customers
        if not customers.exists():
            del self.fields["addressees"]
        for name, kind in (("systems", "systems"), ("information_types", "information-types"),
                           ("suppliers", "suppliers")):
            if not self.fields[name].queryset.exists():
                del self.fields[name]
            else:
                use_picker(self, name, kind)


class AddressForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(label=_("Also affected"), queryset=None, widget=CHECKS)

    def __init__(self, *args, tenant: Tenant, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = tenant.customers().exclude(
            pk__in=incident.shared_with.values("pk"))


class AssessForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    severity = forms.ModelChoiceField(label=_("Severity"), queryset=None, required=False)
    manager = forms.ModelChoiceField(label=_("Incident manager"), queryset=None, required=False)
    significant = TriState(label=_("Significant incident (Cybersecurity Act)"),
                           help_text=_("Has caused or can cause severe operational disruption or financial loss, "
                                       "or affects others through considerable damage (NIS2 art. 23(3))."))
    significance_reason = forms.CharField(label=_("Why it is or is not significant"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    malicious = TriState(label=_("Unlawful or malicious act suspected"))
    cross_border = TriState(label=_("Possible cross-border impact"))
    breach = TriState(label=_("Personal data breach (GDPR art. 33)"))
    breach_notifiable = TriState(label=_("Likely to result in a risk to people"),
                                 help_text=_("If not, IMY is not notified; the reason is kept in the breach log."))
    breach_reason = forms.CharField(label=_("Reason of the breach assessment"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    systems = forms.ModelMultipleChoiceField(label=_("Affected systems"), required=False, queryset=None,
                                             widget=CHECKS)
    information_types = forms.ModelMultipleChoiceField(label=_("Affected information types"), required=False,
                                                       queryset=None, widget=CHECKS)
    risks = forms.ModelMultipleChoiceField(label=_("Related risks"), required=False, queryset=None, widget=CHECKS)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["severity"].queryset = Severity.objects.filter(pk__in=[s.pk for s in services.severity_scale(tenant)])
        self.fields["manager"].queryset = tenant.users()
        self.fields["manager"].label_from_instance = _name_of
        self.fields["systems"].queryset = _own(tenant, System).filter(archived_at__isnull=True).order_by("name")
        self.fields["information_types"].queryset = _own(tenant, InformationType).order_by("name")
        self.fields["risks"].queryset = _own(tenant, Risk).order_by("title")
        for name, kind in (("manager", "people"), ("systems", "systems"), ("information_types", "information-types")):
            use_picker(self, name, kind)


class StageForm(forms.Form):
    """A stage's report: when it went, the recipient's reference, and the content asked for."""

    submitted_at = forms.DateTimeField(label=_("Submitted"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    reference = forms.CharField(label=_("The recipient's reference"), required=False, max_length=100)
    late_reason = forms.CharField(label=_("Reasons for the delay"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("Required when the report is submitted after its deadline."))

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, kind in documents.stage_fields(stage):
            if kind == documents.YES_NO:
                self.fields[key] = TriState(label=label)
            elif kind == documents.NUMBER:
                self.fields[key] = forms.IntegerField(label=label, required=False, min_value=0)
            else:
                self.fields[key] = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))
        self.stage_keys = [key for key, _label, _kind in documents.stage_fields(stage)]

    def content(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in self.stage_keys}


class NoteForm(forms.Form):
    text = forms.CharField(label=_("What was done or learnt"), widget=forms.Textarea(attrs={"rows": 2}))
    at = forms.DateTimeField(label=_("When"), required=False, widget=DATETIME, input_formats=DATETIME_FORMATS,
                             help_text=_("Now, if left empty."))


class EndHandlingForm(forms.Form):
    at = forms.DateTimeField(label=_("Handling ended"), required=False, widget=DATETIME,
                             input_formats=DATETIME_FORMATS, help_text=_("Now, if left empty."))


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["held_on", "participants", "supplier_took_part", "causes", "what_was_done", "went_well",
                  "went_badly"]
        widgets = {"held_on": DATE, **{f: forms.Textarea(attrs={"rows": 3}) for f in
                                      ("participants", "causes", "what_was_done", "went_well", "went_badly")}}


class LessonForm(forms.Form):
    text = forms.CharField(label=_("Lesson"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Owner of the action"), queryset=None)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    risk = forms.ModelChoiceField(label=_("Risk it changes"), queryset=None, required=False,
                                  help_text=_("Its likelihood or consequence is to be reconsidered."))
    new_risk = forms.CharField(label=_("Or a new risk for the register"), required=False, max_length=200)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenant.users()
        self.fields["owner"].label_from_instance = _name_of
        use_picker(self, "owner", "people")
        self.fields["risk"].queryset = _own(tenant, Risk).order_by("title")


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    without_review = forms.BooleanField(
        label=_("Close without the required review (a recorded deviation)"), required=False,
        help_text=_("Stays visible in lists and audits; say why in the note."))


class SeverityForm(forms.ModelForm):
    class Meta:
        model = Severity
        fields = ["rank", "name", "description", "review_required"]
