from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import use_picker
from actions.models import Action


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "description", "owner", "due_date", "system", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenant.users()
        from inventory.models import System

        self.fields["system"].queryset = tenant.editable(System).order_by("name") if tenant.can_edit(System) \
            else System.objects.filter(pk=getattr(self.instance, "system_id", None) or 0)
        use_picker(self, "owner", "people")
        use_picker(self, "system", "systems")


class ActionNoteForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence_file = forms.FileField(label=_("Evidence file"), required=False,
                                    help_text=_("PDF, Word, Excel, PNG, JPEG or text, at most 10 MB."))


class ActionFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Show"), required=False,
        choices=[("open", _("Open")), ("mine", _("Mine")), ("overdue", _("Overdue")), ("done", _("Done or cancelled")),
                 ("all", _("All"))],
    )
    source = forms.ChoiceField(label=_("Source"), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=None, empty_label=_("Everyone"))
    system = forms.CharField(label=_("System"), required=False, max_length=100,
                             widget=forms.TextInput(attrs={"type": "search", "placeholder": _("System name")}))

    def __init__(self, *args, sources, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("All sources")), ("manual", _("Entered by hand"))] + sources
        self.fields["owner"].queryset = tenant.users()
