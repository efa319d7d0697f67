from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import use_picker
from inventory.models import System
from suppliers.models import Contract, ContractKind, CoverageStatus, Supplier


class SupplierForm(forms.ModelForm):
    class Meta:
        model = Supplier
        fields = ["name", "org_number", "contact_email", "website", "description", "tillit_organisation"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        # Only supplier organisations that serve the tenant can be linked.
        self.fields["tillit_organisation"].queryset = tenant.organisation.suppliers.all()


class ContractForm(forms.ModelForm):
    share_with_supplier = forms.BooleanField(
        label=_("Share read-only with the supplier's organisation in Tillit"), required=False)

    class Meta:
        model = Contract
        fields = ["supplier", "kind", "title", "reference", "parent", "signed_on", "valid_from", "valid_until",
                  "notice_months", "auto_renewal", "systems", "services", "document", "link", "notes"]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "services": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        own_suppliers = tenant.scope(Supplier)
        self.fields["supplier"].queryset = own_suppliers.order_by("name")
        contracts = tenant.editable(Contract).filter(supplier__in=own_suppliers.values("pk")).select_related("supplier")
        if self.instance.pk:
            contracts = contracts.exclude(pk=self.instance.pk)
            self.fields["share_with_supplier"].initial = self.instance.shared_with.exists()
        else:
            self.fields["share_with_supplier"].initial = True
        self.fields["parent"].queryset = contracts.order_by("supplier__name", "title")
        self.fields["parent"].label_from_instance = lambda c: f"{c.title} ({c.supplier.name})"
        self.fields["systems"].queryset = tenant.scope(System).filter(archived_at__isnull=True).order_by("name")
        use_picker(self, "supplier", "suppliers")
        use_picker(self, "systems", "systems")
        # The file's type and size are checked by the service (requirements.validators).


class ContractFilterForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds"))] + ContractKind.choices, required=False)
    state = forms.ChoiceField(label=_("Validity"), required=False, choices=[
        ("", _("All")), ("in_force", _("In force")), ("expired", _("Expired")),
        ("expiring", _("Expiring within 90 days"))])
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = tenant.scope(Supplier).order_by("name")


class AssessmentForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CoverageStatus.choices)
    clause = forms.CharField(label=_("Clause reference"), max_length=200, required=False)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
