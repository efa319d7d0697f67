from django import forms

from organisations.models import Unit


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "parent"]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = tenant.organisation
        self.fields["parent"].queryset = tenant.organisation.units.all()
