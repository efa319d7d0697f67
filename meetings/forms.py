from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import use_picker
from meetings.models import ActionItem, AgendaItem, Attendee, Decision, Meeting, MeetingKind, MeetingStatus

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), required=False,
                             choices=[("", _("All kinds"))] + list(MeetingKind.choices))
    when = forms.ChoiceField(label=_("When"), required=False, choices=[
        ("", _("All meetings")), ("upcoming", _("Upcoming")), ("past", _("Past"))])
    without_minutes = forms.BooleanField(label=_("Held, minutes not approved"), required=False)


class MeetingForm(forms.ModelForm):
    shared_with = forms.ModelMultipleChoiceField(
        label=_("Participating organisations"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("The organisations your organisation serves that take part; none for a meeting of your own."))

    class Meta:
        model = Meeting
        fields = ["kind", "title", "starts_at", "ends_at", "location", "chair", "secretary", "shared_with"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].queryset = tenant.customers()
        for name in ("chair", "secretary"):
            self.fields[name].queryset = tenant.users()
            use_picker(self, name, "people")
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _participants(field, meeting):
    field.queryset = meeting.shared_with.order_by("name")
    field.empty_label = meeting.organisation.name


class AttendeeForm(forms.ModelForm):
    class Meta:
        model = Attendee
        fields = ["name", "role_title", "represents", "present"]

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        _participants(self.fields["represents"], meeting)


class AgendaItemForm(forms.ModelForm):
    remove_paper = forms.BooleanField(label=_("Remove the uploaded paper"), required=False)

    class Meta:
        model = AgendaItem
        fields = ["position", "title", "description", "presenter", "paper", "paper_link"]
        widgets = {"paper": forms.FileInput}
        help_texts = {"paper": _("PDF, Word, Excel, PNG, JPEG or text, at most 10 MB.")}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["number", "text"]

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Empty: the next number.")


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "description", "responsible", "due_date"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        _participants(self.fields["responsible"], meeting)


class MinutesForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[
        c for c in MeetingStatus.choices if c[0] != MeetingStatus.APPROVED])
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 16}))


class TakeForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenant.users()
        use_picker(self, "owner", "people")
