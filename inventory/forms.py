from django import forms
from django.utils.translation import gettext_lazy as _

from core.countries import CountriesField, CountryField
from core.widgets import use_picker
from organisations.roles import NOT_AN_OWNER, OWNER_HELP
from core.tenancy import Tenant
from inventory.models import InformationType, System
from suppliers.models import Supplier


class SystemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    storage_countries = CountriesField(label=_("Countries where data is stored"))
    processing_countries = CountriesField(label=_("Countries where data is processed"),
                                          help_text=_("Including support and sub-processors."))
    provider_jurisdiction = CountryField(label=_("Provider's home jurisdiction"),
                                         help_text=_("The country whose law governs the provider."))

    class Meta:
        model = System
        fields = [
            "name", "purpose", "unit", "owner", "administrator", "lifecycle", "criticality", "personal_data",
            "information_types", "supplier", "supplier_contact", "contract", "hosting", "hosting_provider",
            "storage_countries", "processing_countries", "provider_jurisdiction", "shared_with",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "shared_with": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        # Every choice comes from the tenant's own records: nothing foreign can be linked.
        self.fields["unit"].queryset = tenant.organisation.units.all()
        self.fields["supplier"].queryset = tenant.scope(Supplier)
        self.fields["information_types"].queryset = tenant.scope(InformationType)
        # A system's owner approves its classifications and accepts its risks: only a role that may own.
        self.fields["owner"].queryset = tenant.owners()
        self.fields["owner"].error_messages["invalid_choice"] = NOT_AN_OWNER
        self.fields["owner"].help_text = OWNER_HELP
        self.fields["administrator"].queryset = tenant.users()
        for name, kind in (("owner", "owners"), ("administrator", "people"), ("supplier", "suppliers"),
                           ("information_types", "information-types")):
            use_picker(self, name, kind)
        self.fields["shared_with"].queryset = tenant.organisation.suppliers.all()
        self.fields["shared_with"].help_text = _("The supplier's users can read the system; they cannot change it.")

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class InformationTypeForm(forms.ModelForm):
    class Meta:
        model = InformationType
        fields = ["name", "description", "personal_data"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class DependencyForm(forms.Form):
    # A name, not a drop-down: a large municipality has thousands of systems, and listing them
    # all made the system page heavy (see bench/results).
    depends_on = forms.CharField(label=_("Depends on (name of the system)"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, tenant: Tenant, system: System, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant, self.system = tenant, system

    def clean_depends_on(self) -> System:
        name = self.cleaned_data["depends_on"].strip()
        match = self.tenant.editable(System).filter(archived_at__isnull=True, name__iexact=name).exclude(pk=self.system.pk).first()
        if match is None:
            raise forms.ValidationError(_("Your organisation has no active system named “%(name)s”.") % {"name": name})
        return match


class SystemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    lifecycle = forms.ChoiceField(label=_("Lifecycle status"), required=False)
    hosting = forms.ChoiceField(label=_("Hosting"), required=False)
    criticality = forms.ChoiceField(label=_("Criticality"), required=False)
    personal_data = forms.ChoiceField(
        label=_("Personal data"), required=False, choices=[("", _("All")), ("yes", _("Yes")), ("no", _("No"))]
    )
    archived = forms.BooleanField(label=_("Show archived"), required=False)
    without_owner = forms.BooleanField(label=_("Only systems without a system owner"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False,
        choices=[("name", _("Name")), ("-name", _("Name, descending")), ("criticality", _("Criticality")),
                 ("lifecycle", _("Lifecycle status")), ("updated", _("Last changed")), ("owner", _("System owner"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from inventory.models import Criticality, Hosting, Lifecycle

        all_ = [("", _("All"))]
        self.fields["lifecycle"].choices = all_ + Lifecycle.choices
        self.fields["hosting"].choices = all_ + Hosting.choices
        self.fields["criticality"].choices = all_ + Criticality.choices
