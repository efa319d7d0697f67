from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.models import KpiDefinition, PeriodKind, Verdict
from organisations.models import Organisation


class DefinitionForm(forms.ModelForm):
    shared_with = forms.ModelMultipleChoiceField(queryset=Organisation.objects.none(), label=_("Addressed to"),
                                                 widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = KpiDefinition
        fields = ["name", "service", "description", "unit", "direction", "target", "period", "report_due_days",
                  "reported_from", "active", "shared_with"]
        widgets = {"reported_from": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        customers = tenant.customers()
        if self.instance.pk:
            # A former customer keeps what it was addressed to.
            customers = Organisation.objects.filter(pk__in=customers.values("pk")) | self.instance.shared_with.all()
            customers = customers.distinct().order_by("name")
        self.fields["shared_with"].queryset = customers


class ReportForm(forms.Form):
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    period_start = forms.DateField(label=_("First day of the period"), widget=forms.DateInput(attrs={"type": "date"}))
    customers = forms.ModelMultipleChoiceField(queryset=Organisation.objects.none(), label=_("Addressed to"),
                                               widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, tenant, definitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customers"].queryset = tenant.customers()
        self.definitions = list(definitions)
        for d in self.definitions:
            self.fields[f"value_{d.pk}"] = forms.DecimalField(
                label=f"{d} ({d.get_period_display().lower()})", required=False, max_digits=12, decimal_places=3,
                localize=True)
            self.fields[f"comment_{d.pk}"] = forms.CharField(label=_("Comment on %(kpi)s") % {"kpi": d},
                                                             required=False)

    def value_rows(self):
        for d in self.definitions:
            yield d, self[f"value_{d.pk}"], self[f"comment_{d.pk}"]


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required for remarks and when the report is not approved."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (XLSX or CSV)"))
