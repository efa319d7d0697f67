from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.tenancy import Tenant
from core.widgets import MultiPicker, Picker, use_picker
from organisations.roles import NOT_AN_OWNER, OWNER_HELP
from inventory.models import InformationType, System
from risk import rules
from risk.models import Risk, RiskMatrix, RiskSession, RiskStatus, Strategy, Threat, Treatment
from risk.rules import Level
from suppliers.models import Supplier

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_SIZE = max(rules.SIZES)


def _level_choices(labels: list[str]) -> list[tuple[str, str]]:
    return [("", "–")] + [(str(i), f"{i} – {label}") for i, label in enumerate(labels, start=1)]


def _live_level(kind: str) -> forms.Select:
    """A scale step's select that asks risk:level_preview for the resulting level as it changes."""
    return forms.Select(attrs={
        "hx-get": reverse_lazy("risk:level_preview"), "hx-trigger": "change",
        "hx-target": f"#{kind}-level", "hx-swap": "innerHTML",
        "hx-include": f"[name={kind}_likelihood],[name={kind}_consequence]",
        "hx-vals": f'{{"kind": "{kind}"}}',
        # Both steps' requests queue on the level shown: a later choice replaces one in flight,
        # so an earlier answer can never arrive last and show a stale level.
        "hx-sync": f"#{kind}-level:replace",
    })


class RiskFilterForm(forms.Form):
    """The register's filters; the owners' choices come from the view so that validation runs no query."""

    q = forms.CharField(label=_("Search"), required=False)
    # A name rather than a drop-down: an organisation has thousands of systems, and listing them
    # made the register page several times slower and 180 kB larger.
    system_name = forms.CharField(label=_("System"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Assessment"), required=False,
                             choices=[("residual", _("Residual risk")), ("inherent", _("Inherent risk"))])
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All"))] + Level.choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), ("open", _("Open (all but closed)"))] + RiskStatus.choices)
    owner = forms.TypedChoiceField(label=_("Risk owner"), required=False, coerce=int, empty_value=None)
    strategy = forms.ChoiceField(label=_("Treatment strategy"), required=False,
                                 choices=[("", _("All"))] + Strategy.choices)
    orphaned = forms.BooleanField(label=_("Only risks whose system was deleted"), required=False)
    review_due = forms.BooleanField(label=_("Only risks due for review (review date or acceptance passed)"),
                                    required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("residual", _("Residual risk, highest first")), ("inherent", _("Inherent risk, highest first")),
        ("title", _("Title")), ("-title", _("Title, descending")), ("status", _("Status")),
        ("review", _("Review date")), ("owner", _("Risk owner")), ("updated", _("Last changed")),
    ])
    # Set by links (heat map cells, session pages), not shown as fields.
    l = forms.IntegerField(required=False, min_value=1, max_value=MAX_SIZE, widget=forms.HiddenInput)  # noqa: E741
    c = forms.IntegerField(required=False, min_value=1, max_value=MAX_SIZE, widget=forms.HiddenInput)
    session = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)
    system = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)

    def __init__(self, *args, owners: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("All"))] + owners


class RiskForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    systems = forms.ModelMultipleChoiceField(
        queryset=System.objects.none(), required=False, label=_("Systems"), widget=MultiPicker("systems"))
    inherent_likelihood = forms.TypedChoiceField(label=_("Likelihood before treatment"), required=False, coerce=int,
                                                 empty_value=None, widget=_live_level("inherent"))
    inherent_consequence = forms.TypedChoiceField(label=_("Consequence before treatment"), required=False, coerce=int,
                                                  empty_value=None, widget=_live_level("inherent"))
    residual_likelihood = forms.TypedChoiceField(label=_("Residual likelihood"), required=False, coerce=int,
                                                 empty_value=None, widget=_live_level("residual"))
    residual_consequence = forms.TypedChoiceField(label=_("Residual consequence"), required=False, coerce=int,
                                                  empty_value=None, widget=_live_level("residual"))

    class Meta:
        model = Risk
        fields = [
            "title", "description", "threat", "vulnerability", "existing_controls", "systems", "information_types",
            "suppliers", "process", "inherent_likelihood", "inherent_consequence", "residual_likelihood",
            "residual_consequence", "owner", "strategy", "status", "review_date", "session",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "vulnerability": forms.Textarea(attrs={"rows": 2}),
            "existing_controls": forms.Textarea(attrs={"rows": 2}),
            "information_types": MultiPicker("information-types"),
            "suppliers": MultiPicker("suppliers"),
            "owner": Picker("owners"),
            "review_date": DATE,
        }
        error_messages = {"owner": {"invalid_choice": NOT_AN_OWNER}}

    def __init__(self, *args, tenant: Tenant, matrix: RiskMatrix, **kwargs):
        super().__init__(*args, **kwargs)
        own = tenant.membership.organisation_id
        # Every choice comes from the tenant's own records: nothing foreign can be linked.
        self.fields["threat"].queryset = tenant.scope(Threat)
        self.fields["systems"].queryset = System.objects.filter(organisation_id=own, archived_at__isnull=True)
        self.fields["information_types"].queryset = InformationType.objects.filter(organisation_id=own)
        self.fields["suppliers"].queryset = Supplier.objects.filter(organisation_id=own)
        self.fields["owner"].queryset = tenant.owners()
        self.fields["owner"].help_text = OWNER_HELP
        self.fields["session"].queryset = tenant.editable(RiskSession)
        for prefix in ("inherent", "residual"):
            self.fields[f"{prefix}_likelihood"].choices = _level_choices(matrix.likelihood_scale())
            self.fields[f"{prefix}_consequence"].choices = _level_choices(matrix.consequence_scale())
        # "Accepted" is reached through the acceptance form, which records who, when and why.
        accepted = self.instance.pk and self.instance.status == RiskStatus.ACCEPTED
        self.fields["status"].choices = [(v, label) for v, label in RiskStatus.choices
                                         if v != RiskStatus.ACCEPTED or accepted]
        if self.instance.pk:
            self.fields["systems"].initial = [link.system_id for link in self.instance.system_links.all() if link.system_id]

    def clean_title(self):
        return self.cleaned_data["title"].strip()


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4}),
                                    help_text=_("Why the organisation can live with this residual risk."))
    accepted_until = forms.DateField(label=_("Accepted until"), widget=DATE,
                                     help_text=_("After this day the risk returns for review."))
    # Set by the confirmation step when treatments have not started.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class TreatmentForm(forms.ModelForm):
    class Meta:
        model = Treatment
        fields = ["description", "owner", "due_date", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "due_date": DATE}

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenant.users()
        use_picker(self, "owner", "people")


class SessionForm(forms.ModelForm):
    class Meta:
        model = RiskSession
        fields = ["title", "date", "scope", "participants", "external_participants", "notes"]
        widgets = {
            "date": DATE,
            "scope": forms.Textarea(attrs={"rows": 3}),
            "external_participants": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = tenant.users()
        use_picker(self, "participants", "people")


class ThreatForm(forms.ModelForm):
    class Meta:
        model = Threat
        fields = ["name", "code", "category", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": _("A short identifier, e.g. own-badge-theft.")}


class MatrixForm(forms.Form):
    """The matrix settings; one text field per possible level for the labels."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    likelihood_size = forms.TypedChoiceField(label=_("Likelihood levels"), coerce=int,
                                             choices=[(n, str(n)) for n in rules.SIZES])
    consequence_size = forms.TypedChoiceField(label=_("Consequence levels"), coerce=int,
                                              choices=[(n, str(n)) for n in rules.SIZES])
    medium_from = forms.IntegerField(label=_("Medium from score"), min_value=2, max_value=MAX_SIZE ** 2)
    high_from = forms.IntegerField(label=_("High from score"), min_value=2, max_value=MAX_SIZE ** 2)
    very_high_from = forms.IntegerField(label=_("Very high from score"), min_value=2, max_value=MAX_SIZE ** 2)
    acceptance_level = forms.ChoiceField(
        label=_("Highest residual level that anyone analysing may accept"), choices=Level.choices,
        help_text=_("Residual risks above this level may be accepted only by a system owner or an administrator."))

    def __init__(self, *args, matrix: RiskMatrix, **kwargs):
        super().__init__(*args, **kwargs)
        for axis, defaults, custom in (("likelihood", rules.DEFAULT_LIKELIHOOD_LABELS, matrix.likelihood_labels),
                                       ("consequence", rules.DEFAULT_CONSEQUENCE_LABELS, matrix.consequence_labels)):
            size = getattr(matrix, f"{axis}_size")
            for level in range(1, MAX_SIZE + 1):
                default = defaults[size][level - 1] if level <= size else ""
                name = f"{axis}_label_{level}"
                self.fields[name] = forms.CharField(
                    label=(_("Likelihood level %(n)d") if axis == "likelihood" else _("Consequence level %(n)d"))
                    % {"n": level}, required=False, max_length=60,
                    help_text=_("Empty: “%(default)s”.") % {"default": default} if default else _("Used on a 5-level scale."))
                if not self.is_bound:
                    self.initial[name] = custom[level - 1] if level - 1 < len(custom) else ""

    def label_fields(self, axis: str):
        return [self[f"{axis}_label_{level}"] for level in range(1, MAX_SIZE + 1)]

    def service_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("likelihood_size", "consequence_size", "medium_from", "high_from",
                                                  "very_high_from", "acceptance_level")}
        for axis in ("likelihood", "consequence"):
            labels = [self.cleaned_data.get(f"{axis}_label_{level}", "").strip()
                      for level in range(1, data[f"{axis}_size"] + 1)]
            # Trailing empties mean "defaults": store nothing for them.
            while labels and not labels[-1]:
                labels.pop()
            data[f"{axis}_labels"] = labels
        return data


class MappingForm(forms.Form):
    """Old level → new level for each axis whose size changes, pre-filled with a suggestion."""

    def __init__(self, *args, old: RiskMatrix, new_sizes: dict[str, int], suggestion: dict[str, dict[int, int] | None],
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.axes = []
        for axis in ("likelihood", "consequence"):
            mapping = suggestion.get(axis)
            if mapping is None:
                continue
            old_labels = getattr(old, f"{axis}_scale")()
            new_labels = rules.labels([], (rules.DEFAULT_LIKELIHOOD_LABELS if axis == "likelihood"
                                           else rules.DEFAULT_CONSEQUENCE_LABELS)[new_sizes[axis]], new_sizes[axis])
            names = []
            for level, label in enumerate(old_labels, start=1):
                name = f"{axis}_map_{level}"
                self.fields[name] = forms.TypedChoiceField(
                    label=f"{level} – {label}", coerce=int, choices=_level_choices(new_labels)[1:], initial=mapping[level])
                names.append(name)
            self.axes.append((axis, names))

    def mapping(self, axis: str) -> dict[int, int] | None:
        names = dict(self.axes).get(axis)
        if names is None:
            return None
        return {int(name.rsplit("_", 1)[1]): self.cleaned_data[name] for name in names}

    def axis_fields(self):
        return [(axis, [self[name] for name in names]) for axis, names in self.axes]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("An Excel workbook (.xlsx) with the columns of the export."))
