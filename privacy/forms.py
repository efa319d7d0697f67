from django import forms
from django.utils.translation import gettext_lazy as _

from core.countries import CountriesField, country_choices
from core.widgets import use_picker
from core.tenancy import Tenant
from inventory.models import InformationType, System
from privacy import rules, selectors
from privacy.models import (
    ActivityStatus,
    AuditOutcome,
    DataCategory,
    DataSubject,
    Dpia,
    DpiaDecision,
    ProcessingActivity,
    ProcessorAgreement,
)
from requirements.validators import validate_evidence_file
from risk.models import Risk
from suppliers.models import Supplier

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECKS = forms.CheckboxSelectMultiple


def _name_of(user):
    return user.full_name or user.email


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    controller = forms.ModelChoiceField(label=_("Controller"), required=False, queryset=None,
                                        empty_label=_("All"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + ActivityStatus.choices)
    due = forms.BooleanField(label=_("Only those due for review"), required=False)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["controller"].queryset = selectors.controllers(tenant=tenant)


class ActivityForm(forms.ModelForm):
    data_subjects = forms.MultipleChoiceField(label=_("Categories of data subjects"), required=False,
                                              choices=DataSubject.choices, widget=CHECKS)
    data_categories = forms.MultipleChoiceField(label=_("Categories of personal data"), required=False,
                                                choices=DataCategory.choices, widget=CHECKS)

    class Meta:
        model = ProcessingActivity
        fields = ["name", "controllers", "purpose", "legal_basis", "legal_basis_reference", "data_subjects",
                  "data_subjects_other", "data_categories", "data_categories_other", "art9_ground", "art10_basis",
                  "recipients", "retention", "retention_months", "systems", "information_types", "processors",
                  "owner", "review_date", "status"]
        widgets = {"controllers": CHECKS, "review_date": DATE,
                   "purpose": forms.Textarea(attrs={"rows": 3}), "recipients": forms.Textarea(attrs={"rows": 2}),
                   "retention": forms.Textarea(attrs={"rows": 2}),
                   "data_subjects_other": forms.Textarea(attrs={"rows": 2}),
                   "data_categories_other": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"status": _("A draft may lack a legal basis; it is flagged until it is complete."),
                      "systems": _("The security measures are shown from the systems' classification and "
                                   "requirements.")}

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["controllers"].queryset = selectors.controllers(tenant=tenant)
        self.fields["controllers"].required = False
        self.fields["systems"].queryset = tenant.editable(System).filter(archived_at__isnull=True).order_by("name")
        self.fields["information_types"].queryset = tenant.scope(InformationType).filter(
            organisation_id=tenant.organisation.pk).order_by("name")
        self.fields["processors"].queryset = tenant.scope(Supplier).order_by("name")
        self.fields["owner"].queryset = tenant.users()
        self.fields["owner"].label_from_instance = _name_of
        for name, kind in (("systems", "systems"), ("information_types", "information-types"),
                           ("processors", "suppliers"), ("owner", "people")):
            use_picker(self, name, kind)


class TransferForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"))
    recipient = forms.CharField(label=_("Recipient"), max_length=200)
    dpf_certified = forms.BooleanField(label=_("The recipient is certified under the EU–US Data Privacy Framework"),
                                       required=False)
    scc_signed = forms.BooleanField(label=_("Standard contractual clauses are signed"), required=False)
    tia_done = forms.BooleanField(label=_("A transfer impact assessment has been made"), required=False)
    safeguards = forms.CharField(label=_("Documented safeguards"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "–")] + country_choices()


class AgreementForm(forms.ModelForm):
    upload = forms.FileField(label=_("Document file"), required=False, validators=[validate_evidence_file],
                             help_text=_("PDF, Word, Excel, PNG, JPEG or text, at most 10 MB."))
    remove_file = forms.BooleanField(label=_("Remove the stored file"), required=False)

    class Meta:
        model = ProcessorAgreement
        fields = ["supplier", "controllers", "title", "reference", "signed_on", "valid_until", "dpf_certified",
                  "scc_signed", "tia_done", "notes"]
        widgets = {"controllers": CHECKS, "signed_on": DATE, "valid_until": DATE,
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = tenant.scope(Supplier).order_by("name")
        use_picker(self, "supplier", "suppliers")
        self.fields["controllers"].queryset = selectors.controllers(tenant=tenant)
        points = self.instance.points if self.instance.pk else {}
        for point in rules.art28_checklist()[1]:
            self.fields[f"point_{point.key}"] = forms.CharField(
                label=f"{point.citation}: {point.title}", required=False, max_length=200,
                initial=(points or {}).get(point.key, ""),
                help_text=_("The clause of the agreement that covers it; leave empty for a gap."))

    def points(self) -> dict:
        return {p.key: self.cleaned_data.get(f"point_{p.key}", "") for p in rules.art28_checklist()[1]}


class SubProcessorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"))
    service = forms.CharField(label=_("Service"), max_length=300, required=False)
    dpf_certified = forms.BooleanField(label=_("Certified under the EU–US Data Privacy Framework"), required=False)
    scc_signed = forms.BooleanField(label=_("Standard contractual clauses are signed"), required=False)
    tia_done = forms.BooleanField(label=_("A transfer impact assessment has been made"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "–")] + country_choices()


class AuditForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AuditOutcome.choices)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ProcessorRecordForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    controller_name = forms.CharField(label=_("Controller"), max_length=200,
                                      help_text=_("The nämnd or the kommunstyrelse the processing is for."))
    controller_contact = forms.CharField(label=_("Controller's contact details"), max_length=300, required=False)
    processing = forms.CharField(label=_("Categories of processing carried out"), widget=forms.Textarea(attrs={"rows": 3}))
    transfers = forms.CharField(label=_("Third-country transfers"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    countries = CountriesField(label=_("Countries"))
    security_measures = forms.CharField(label=_("Security measures"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = tenant.customers()


class DpiaForm(forms.ModelForm):
    criteria = forms.MultipleChoiceField(label=_("Screening: the WP248 criteria met"), required=False, widget=CHECKS)
    art35_3 = forms.MultipleChoiceField(label=_("Screening: cases of GDPR art. 35(3)"), required=False, widget=CHECKS)

    class Meta:
        model = Dpia
        fields = ["title", "activity", "criteria", "art35_3", "description", "necessity", "risks", "measures",
                  "residual_high", "imy_consulted_on"]
        widgets = {"imy_consulted_on": DATE, "risks": CHECKS,
                   "description": forms.Textarea(attrs={"rows": 4}), "necessity": forms.Textarea(attrs={"rows": 4}),
                   "measures": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        _threshold, nine, cases = rules.dpia_screening()
        self.fields["criteria"].choices = [(p.key, f"{p.title} ({p.citation})") for p in nine]
        self.fields["art35_3"].choices = [(p.key, f"{p.title} ({p.citation})") for p in cases]
        self.fields["activity"].queryset = tenant.editable(ProcessingActivity).order_by("name")
        self.fields["risks"].queryset = tenant.scope(Risk).order_by("title")


class AdviceForm(forms.Form):
    advice = forms.CharField(label=_("The DPO's advice"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DpiaDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class NewRiskForm(forms.Form):
    title = forms.CharField(label=_("Risk to the data subjects"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
