from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import use_picker
from requirements.models import (
    Area,
    Control,
    Implementation,
    Nis2Point,
    Requirement,
    Status,
    Theme,
    attribute_choices,
    untag,
)
from requirements.rules import ASPECTS, UNASSESSED
from requirements.validators import validate_evidence_file

FORMS = [("is", _("ÄR: present state (self-assessment)")), ("shall", _("SKA: shall (procurement, contract)"))]
ASPECT_NAMES = {"K": _("Confidentiality (K)"), "R": _("Integrity (R)"), "T": _("Availability (T)"),
                "S": _("Traceability (S)")}
LEVEL_CHOICES = [("", _("Does not decide")), ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3")]


def _all(label):
    return [("", label)]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    area = forms.ChoiceField(label=_("Area"), required=False, choices=_all(_("All areas")) + Area.choices)
    control = forms.ChoiceField(label=_("Annex A control"), required=False)
    nis2 = forms.ChoiceField(label=_("NIS2 article 21(2)"), required=False,
                             choices=_all(_("All points")) + Nis2Point.choices)
    attribute = forms.ChoiceField(label=_("ISO/IEC 27002 attribute"), required=False)
    origin = forms.ChoiceField(label=_("Source"), required=False, choices=[
        ("", _("Catalogue and own")), ("catalogue", _("Tillit's catalogue")), ("own", _("Our own requirements"))])

    def __init__(self, *args, controls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["control"].choices = _all(_("All controls")) + [(c.number, str(c)) for c in controls]
        self.fields["attribute"].choices = _all(_("All attributes")) + attribute_choices()


class SystemRequirementFilterForm(forms.Form):
    form = forms.ChoiceField(label=_("Requirement form"), required=False, choices=FORMS, widget=forms.RadioSelect)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=_all(_("All statuses")) + Status.choices + [(UNASSESSED, _("Not assessed"))])
    area = forms.ChoiceField(label=_("Area"), required=False, choices=_all(_("All areas")) + Area.choices)
    attribute = forms.ChoiceField(label=_("ISO/IEC 27002 attribute"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attribute"].choices = _all(_("All attributes")) + attribute_choices()


class RequirementStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    reason = forms.CharField(label=_("Reason it does not apply"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when the status is “Not applicable”."))
    override_reason = forms.CharField(
        label=_("Reason for overriding the status derived from data"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for a requirement Tillit answers from its data: required when you set another status "
                    "than the derived one. Leave empty to follow the data."))
    evidence = forms.CharField(label=_("How it is met (evidence)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    link = forms.URLField(label=_("Link to evidence"), required=False, max_length=500, assume_scheme="https")
    evidence_file = forms.FileField(label=_("Evidence file"), required=False, validators=[validate_evidence_file],
                                    help_text=_("PDF, Word, Excel, PNG, JPEG or text; at most 10 MB."))
    remove_file = forms.BooleanField(label=_("Remove the evidence file"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, derived=None, **kwargs):
        super().__init__(*args, **kwargs)
        if derived is None:
            del self.fields["override_reason"]
        else:
            self.fields["status"].help_text = _("Derived from data: %(status)s. %(reason)s") % {
                "status": derived.label, "reason": derived.reason}
            if not self.initial.get("override_reason"):
                # Not overridden: the row follows the data, whatever status was stored before.
                self.initial["status"] = derived.status

    def clean(self):
        data = super().clean()
        if data.get("status") == Status.NOT_APPLICABLE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason the requirement does not apply to this system."))
        return data


class StatusActionForm(forms.Form):
    """An action in the action plan for a requirement that is not met or partly met."""

    title = forms.CharField(label=_("Action"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None,
                                   error_messages={"required": _("Choose who is responsible for the action.")})
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"required": _("Give the date the action is due.")})

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenant.users()
        use_picker(self, "owner", "people")


class ApplicabilityForm(forms.Form):
    applicable = forms.BooleanField(label=_("Applicable"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when the control is not applicable."))
    implementation = forms.ChoiceField(label=_("Implementation status"), choices=Implementation.choices)
    implementation_override_reason = forms.CharField(
        label=_("Reason for overriding the implementation status"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you set another status than the one the systems' requirement statuses give."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if not data.get("applicable") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason the control does not apply."))
        return data


class GenerateForm(forms.Form):
    # An explicit field: a stray empty POST must not create the statement.
    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)


class SoaFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=_all(_("All themes")) + Theme.choices)
    attribute = forms.ChoiceField(label=_("ISO/IEC 27002 attribute"), required=False)
    applicability = forms.ChoiceField(label=_("Applicability"), required=False, choices=[
        ("", _("All")), ("applicable", _("Applicable")), ("not_applicable", _("Not applicable")),
        ("reason_pending", _("Reason pending")), ("undecided", _("Not decided"))])
    implementation = forms.ChoiceField(label=_("Implementation status"), required=False,
                                       choices=_all(_("All")) + Implementation.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attribute"].choices = _all(_("All attributes")) + attribute_choices()


class RequirementForm(forms.Form):
    """An organisation's own requirement."""

    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("Your own code, e.g. EGEN-01."))
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    title = forms.CharField(label=_("Title (Swedish)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_shall = forms.CharField(label=_("Title as shall (SKA)"), max_length=200, required=False,
                                  help_text=_("For the supplier's version, e.g. \"The supplier shall …\". Empty: the title."))
    title_shall_en = forms.CharField(label=_("Title as shall (English)"), max_length=200, required=False)
    text_is = forms.CharField(label=_("Requirement as present state (ÄR)"), widget=forms.Textarea(attrs={"rows": 3}))
    text_shall = forms.CharField(label=_("Requirement as shall (SKA)"), widget=forms.Textarea(attrs={"rows": 3}))
    level_k = forms.ChoiceField(label=ASPECT_NAMES["K"], choices=LEVEL_CHOICES, required=False)
    level_r = forms.ChoiceField(label=ASPECT_NAMES["R"], choices=LEVEL_CHOICES, required=False)
    level_t = forms.ChoiceField(label=ASPECT_NAMES["T"], choices=LEVEL_CHOICES, required=False)
    level_s = forms.ChoiceField(label=ASPECT_NAMES["S"], choices=LEVEL_CHOICES, required=False)
    controls = forms.ModelMultipleChoiceField(label=_("Annex A controls"), queryset=Control.objects.order_by("sort_key"),
                                              widget=forms.SelectMultiple(attrs={"size": 8}))
    nis2 = forms.MultipleChoiceField(label=_("NIS2 article 21(2)"), choices=Nis2Point.choices,
                                     widget=forms.CheckboxSelectMultiple)

    @classmethod
    def initial_for(cls, requirement: Requirement) -> dict:
        names = ("code", "area", "title", "title_en", "title_shall", "title_shall_en", "text_is", "text_shall")
        initial = {name: getattr(requirement, name) for name in names}
        initial.update({f"level_{a.lower()}": str(requirement.levels[a]) for a in ASPECTS if a in requirement.levels})
        initial["controls"] = list(requirement.controls.all())
        initial["nis2"] = untag(requirement.nis2_points)
        return initial

    def clean(self):
        data = super().clean()
        levels = {a: int(data[f"level_{a.lower()}"]) for a in ASPECTS if data.get(f"level_{a.lower()}")}
        if not levels:
            raise forms.ValidationError(_("Choose from which level the requirement applies for at least one aspect."))
        data["levels"] = levels
        return data
