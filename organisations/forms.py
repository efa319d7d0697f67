from django import forms

from organisations.models import Unit
from organisations.selectors import descendant_ids


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "parent"]

    def __init__(self, *args, tenant, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = tenant.organisation
        parents = tenant.organisation.units.all()
        if unit is not None:  # a unit cannot be part of itself or of a unit below it
            parents = parents.exclude(pk__in=[unit.pk, *descendant_ids(tenant=tenant, unit=unit)])
        self.fields["parent"].queryset = parents

    @staticmethod
    def initial_for(unit: Unit) -> dict:
        return {"name": unit.name, "kind": unit.kind, "parent": unit.parent_id}
