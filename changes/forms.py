from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import use_picker
from changes.models import Change, ChangeRequest, ChangeSettings, Closing, Decision, Kind, Level, StepKind, StepResult
from inventory.models import System
from meetings.models import Meeting
from organisations.models import Organisation
from organisations.roles import Perm

DATETIME = {"type": "datetime-local"}
SCALE = [("", "–")] + [(str(n), str(n)) for n in range(1, 5)]


class ChangeForm(forms.ModelForm):
    """The request for change (RFC) as the IT company registers it."""

    likelihood = forms.TypedChoiceField(label=_("Likelihood of disruption (1–4)"), choices=SCALE, coerce=int,
                                        empty_value=None, required=False)
    consequence = forms.TypedChoiceField(label=_("Consequence of disruption (1–4)"), choices=SCALE, coerce=int,
                                         empty_value=None, required=False)
    risk_level = forms.ChoiceField(label=_("Risk level without an assessment"), choices=Level.choices,
                                   initial=Level.MEDIUM, required=False,
                                   help_text=_("Used only when likelihood and consequence are not both given."))
    systems = forms.ModelMultipleChoiceField(queryset=System.objects.none(), label=_("Affected systems"),
                                             required=False,
                                             help_text=_("Municipalities owning these systems are affected."))
    shared_with = forms.ModelMultipleChoiceField(queryset=Organisation.objects.none(),
                                                 label=_("Other affected municipalities"), required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    request = forms.ModelChoiceField(queryset=ChangeRequest.objects.none(), label=_("Requested by a municipality in"),
                                     required=False)

    class Meta:
        model = Change
        fields = ["title", "description", "reason", "kind", "standard_class", "requested_date", "window_start",
                  "window_end", "rollback_plan"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "reason": forms.Textarea(attrs={"rows": 2}),
                   "rollback_plan": forms.Textarea(attrs={"rows": 3}),
                   "requested_date": forms.DateInput(attrs={"type": "date"}),
                   "window_start": forms.DateTimeInput(attrs=DATETIME), "window_end": forms.DateTimeInput(attrs=DATETIME)}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = tenant.scope(System).select_related("organisation").order_by(
            "organisation__name", "name")
        self.fields["systems"].label_from_instance = lambda s: f"{s.name} ({s.organisation.name})"
        use_picker(self, "systems", "systems")
        self.fields["shared_with"].queryset = tenant.customers()
        self.fields["request"].queryset = tenant.scope(ChangeRequest).filter(
            addressed_to_id=tenant.organisation.pk).select_related("organisation")
        self.fields["request"].label_from_instance = lambda r: f"{r.title} ({r.organisation.name})"
        if self.instance.pk:
            self.initial.update(likelihood=self.instance.likelihood, consequence=self.instance.consequence,
                                risk_level=self.instance.risk_level, systems=list(self.instance.systems.all()),
                                shared_with=list(self.instance.shared_with.all()), request=self.instance.request)


class RequestForm(forms.ModelForm):
    """A municipality's request for change to its IT company."""

    class Meta:
        model = ChangeRequest
        fields = ["addressed_to", "title", "description", "reason", "kind", "requested_date", "systems",
                  "wants_acceptance_test", "wants_test_environment"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "reason": forms.Textarea(attrs={"rows": 2}),
                   "requested_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].queryset = tenant.organisation.suppliers.order_by("name")
        self.fields["systems"].queryset = tenant.editable(System).order_by("name")
        self.fields["systems"].required = False
        use_picker(self, "systems", "systems")
        self.fields["kind"].choices = [c for c in Kind.choices if c[0] != Kind.EMERGENCY]


class ScheduleForm(forms.Form):
    prefix = "schedule"  # the change page holds several of these forms; their ids stay unique
    cab_meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), label=_("CAB meeting"))

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        self.fields["cab_meeting"].queryset = tenant.editable(Meeting).filter(
            kind="cab", status="planned", starts_at__gt=timezone.now()).order_by("starts_at")


class DecisionForm(forms.Form):
    prefix = "decision"  # the change page holds several of these forms; their ids stay unique
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("Required when you approve with conditions."))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required when you reject the change."))
    wants_acceptance_test = forms.BooleanField(label=_("We want an acceptance test before deployment"),
                                               required=False)
    wants_test_environment = forms.BooleanField(label=_("We want a separate test environment"), required=False)
    participation = forms.CharField(label=_("Our participation"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("For a major change: how we take part, e.g. in the steering group."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class StepForm(forms.Form):
    prefix = "step"  # the change page holds several of these forms; their ids stay unique
    kind = forms.ChoiceField(label=_("Step"), choices=StepKind.choices)
    performed_by = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Done by"))
    performed_at = forms.DateTimeField(label=_("Done at"), widget=forms.DateTimeInput(attrs=DATETIME))
    result = forms.ChoiceField(label=_("Result"), choices=StepResult.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    exception_reason = forms.CharField(
        label=_("Reason for an exception to the separation of duties"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the rule forbids this person doing this step, and only by a member who may "
                    "authorise exceptions. It stays visible on the change."))

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performed_by"].queryset = tenant.users()
        use_picker(self, "performed_by", "people")
        if not tenant.can(Perm.CHANGE_EXCEPTION):
            # A field its reader may never use only confuses; the refusal says who may.
            del self.fields["exception_reason"]


class TestEnvironmentForm(forms.Form):
    prefix = "env"  # the change page holds several of these forms; their ids stay unique
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Municipality"))
    provided = forms.BooleanField(label=_("Test environment provided"), required=False)

    def __init__(self, *args, change, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = change.shared_with.order_by("name")


class AcceptanceForm(forms.Form):
    prefix = "acceptance"  # the change page holds several of these forms; their ids stay unique
    tested_by = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Tested by"))
    tested_at = forms.DateTimeField(label=_("Tested at"), widget=forms.DateTimeInput(attrs=DATETIME))
    passed = forms.TypedChoiceField(label=_("Result"), coerce=lambda v: v == "1",
                                    choices=[("1", _("Passed")), ("0", _("Failed"))], widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required when the test failed."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tested_by"].queryset = tenant.users()
        use_picker(self, "tested_by", "people")


class CloseForm(forms.Form):
    prefix = "close"  # the change page holds several of these forms; their ids stay unique
    closing_report = forms.CharField(label=_("Closing report"), widget=forms.Textarea(attrs={"rows": 4}))


class ClosingAnswerForm(forms.Form):
    prefix = "answer"  # the change page holds several of these forms; their ids stay unique
    outcome = forms.ChoiceField(label=_("Our answer"), choices=Closing.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("A remark becomes an action in our action plan."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ChangeSettings
        fields = ["papers_lead_days", "separation_high", "separation_medium", "separation_low"]


class StandingApprovalForm(forms.Form):
    supplier = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("IT company"))
    change_class = forms.CharField(label=_("Class of standard change"), max_length=120)
    comment = forms.CharField(label=_("Comment"), required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = tenant.organisation.suppliers.order_by("name")


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind of change"), required=False)
    risk_level = forms.ChoiceField(label=_("Risk level"), required=False)
    # The changes per system are reached from a change's systems (a link with ?system=); a select
    # of every system would be thousands of options.
    system = forms.ModelChoiceField(queryset=System.objects.none(), label=_("System"), required=False,
                                    widget=forms.HiddenInput)
    without_separation = forms.BooleanField(label=_("Deployed without the required separation or acceptance test"),
                                            required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        from changes.models import Status

        blank = [("", _("All"))]
        self.fields["status"].choices = blank + list(Status.choices)
        self.fields["kind"].choices = blank + list(Kind.choices)
        self.fields["risk_level"].choices = blank + list(Level.choices)
        self.fields["system"].queryset = tenant.scope(System).order_by("name")
