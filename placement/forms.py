from django import forms
from django.utils.translation import gettext_lazy as _

from core.countries import CountriesField, CountryField
from core.widgets import use_picker
from placement import starters
from placement.models import (
    Alternative,
    Appropriateness,
    Assessment,
    CostItem,
    Decision,
    Mitigation,
    Perspective,
    ResidualRisk,
    Verdict,
    VerdictChoice,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssessmentForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Assessment
        fields = ["title", "service", "systems", "information_types", "responsible", "assessment_date",
                  "registration_number", "deciding_body", "deciding_body_name", "department", "case_officer",
                  "case_officer_title", "recipients", "years", "discount_rate", "background"]
        widgets = {"assessment_date": DATE, "background": forms.Textarea(attrs={"rows": 5}),
                   "recipients": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tenant, systems, information_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = systems
        self.fields["information_types"].queryset = information_types
        self.fields["responsible"].queryset = tenant.users()
        self.fields["case_officer"].queryset = tenant.users()
        for name, kind in (("systems", "systems"), ("information_types", "information-types"),
                           ("responsible", "people"), ("case_officer", "people")):
            use_picker(self, name, kind)
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision


class AssessmentCreateForm(AssessmentForm):
    template = forms.ChoiceField(label=_("Start from"), required=False,
                                 choices=[("", _("An empty assessment"))] + list(starters.TEMPLATES.items()))

    field_order = ["template"]


class AlternativeForm(forms.ModelForm):
    storage_countries = CountriesField(label=_("Countries where data is stored"))
    access_countries = CountriesField(label=_("Countries from which data can be accessed or processed"),
                                      help_text=_("Support, operations and sub-processors."))
    provider_jurisdiction = CountryField(label=_("Provider's home jurisdiction"))
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Alternative
        fields = ["name", "description", "current_placement", "hosting", "provider", "storage_countries",
                  "access_countries", "provider_jurisdiction", "dpf_certified", "scc_signed", "tia_done", "technical_only",
                  "confidentiality_duty", "customer_held_keys", "sla_percent", "redundancy", "recovery_site",
                  "end_of_life", "staff_capacity"]
        widgets = {"end_of_life": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision

    def validate_unique(self):
        # The alternative's assessment is set by the service, which checks the name's uniqueness.
        pass


class CostForm(forms.ModelForm):
    class Meta:
        model = CostItem
        fields = ["description", "category", "kind", "amount", "year", "upper_estimate"]
        widgets = {"amount": forms.NumberInput(attrs={"min": "0", "step": "1"}),
                   "year": forms.NumberInput(attrs={"min": "1"})}


CostFormSet = forms.modelformset_factory(CostItem, form=CostForm, extra=3, can_delete=True)


class VerdictForm(forms.ModelForm):
    perspective = forms.ChoiceField(choices=Perspective.choices, widget=forms.HiddenInput)

    class Meta:
        model = Verdict
        fields = ["perspective", "verdict", "rationale", "residual_risk"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verdict"].choices = [("", _("Use the computed verdict"))] + list(VerdictChoice.choices)
        self.fields["residual_risk"].choices = [("", _("Not judged"))] + list(ResidualRisk.choices)

    def validate_unique(self):
        pass


class OslForm(forms.Form):
    information_type = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Appropriateness (OSL 10 kap. 2 a §)"), required=False,
                                choices=[("", _("Not assessed"))] + list(Appropriateness.choices))
    reasoning = forms.CharField(label=_("Reasoning"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MitigationForm(forms.ModelForm):
    class Meta:
        model = Mitigation
        fields = ["text", "max_confidentiality"]


class CombinedForm(forms.ModelForm):
    chosen_alternative = forms.ModelChoiceField(queryset=Alternative.objects.none(), required=False,
                                                label=_("Chosen alternative"),
                                                empty_label=_("Follow the recommendation"))
    revision = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Assessment
        fields = ["weight_security", "weight_legal", "weight_technical", "weight_economic", "chosen_alternative",
                  "choice_justification", "summary", "proposal"]
        widgets = {"choice_justification": forms.Textarea(attrs={"rows": 3}),
                   "summary": forms.Textarea(attrs={"rows": 6}), "proposal": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, alternatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen_alternative"].queryset = alternatives
        self.fields["revision"].initial = self.instance.revision


class DecisionForm(forms.ModelForm):
    alternative = forms.ModelChoiceField(queryset=Alternative.objects.none(), label=_("Alternative decided on"))

    class Meta:
        model = Decision
        fields = ["body", "body_name", "registration_number", "decided_on", "alternative", "decision",
                  "follow_up_date"]
        widgets = {"decided_on": DATE, "follow_up_date": DATE, "decision": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, alternatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alternative"].queryset = alternatives

    def validate_unique(self):
        pass


class ChecklistForm(forms.Form):
    """One answer field per question of the assessment's checklist."""

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        for index, item in enumerate(checklist):
            self.fields[f"answer_{index}"] = forms.CharField(
                label=item["question"], required=False, initial=item.get("answer", ""),
                widget=forms.Textarea(attrs={"rows": 2}))

    def answers(self) -> dict[int, str]:
        return {int(name.removeprefix("answer_")): value for name, value in self.cleaned_data.items()}
