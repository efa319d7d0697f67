from django import forms

from suppliers.models import Supplier


class SupplierForm(forms.ModelForm):
    class Meta:
        model = Supplier
        fields = ["name", "org_number", "contact_email", "website", "description", "tillit_organisation"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        # Only supplier organisations that serve the tenant can be linked.
        self.fields["tillit_organisation"].queryset = tenant.organisation.suppliers.all()
