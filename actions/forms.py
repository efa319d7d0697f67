from django import forms
from django.utils.translation import gettext_lazy as _

from actions.models import Action


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "description", "owner", "due_date", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenant.users()


class ActionFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Show"), required=False,
        choices=[("open", _("Open")), ("mine", _("Mine")), ("overdue", _("Overdue")), ("done", _("Done or cancelled")),
                 ("all", _("All"))],
    )
    source = forms.ChoiceField(label=_("Source"), required=False)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("All sources")), ("manual", _("Entered by hand"))] + sources
