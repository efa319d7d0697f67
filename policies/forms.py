from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import use_picker
from core.tenancy import Tenant
from policies import services
from policies.models import DocumentStatus, GoverningDocument, Kind, Outcome
from policies.selectors import ORIGIN_OWN, ORIGIN_SHARED
from requirements.validators import validate_evidence_file

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + Kind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + DocumentStatus.choices)
    origin = forms.ChoiceField(label=_("Whose"), required=False, choices=[
        ("", _("All")), (ORIGIN_OWN, _("Our own")), (ORIGIN_SHARED, _("Shared with us by others"))])
    overdue = forms.BooleanField(label=_("Only documents past review"), required=False)


class DocumentForm(forms.ModelForm):
    upload = forms.FileField(label=_("Document file"), required=False, validators=[validate_evidence_file],
                             help_text=_("PDF, Word, Excel, PNG, JPEG or text, at most 10 MB."))
    remove_file = forms.BooleanField(label=_("Remove the stored file"), required=False)

    class Meta:
        model = GoverningDocument
        fields = ["kind", "title", "scope", "status", "owner", "adopted_by", "adopted_on", "version",
                  "review_interval_months", "next_review", "link", "replaces", "shared_with"]
        widgets = {"adopted_on": DATE, "next_review": DATE, "scope": forms.Textarea(attrs={"rows": 3}),
                   "shared_with": forms.CheckboxSelectMultiple}
        help_texts = {
            "adopted_by": _("The body or role that adopted it, e.g. the municipal council."),
            "review_interval_months": _("Leave empty for the default: 24 months for policies, 12 for the others."),
            "next_review": _("Leave empty to compute it from the last review (or the adoption) and the interval."),
            "shared_with": _("The organisations you serve and your suppliers read shared documents."),
        }

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenant.users()
        self.fields["owner"].label_from_instance = lambda u: u.full_name or u.email
        use_picker(self, "owner", "people")
        self.fields["replaces"].queryset = tenant.editable(GoverningDocument).exclude(
            pk=self.instance.pk).order_by("title") if self.instance.pk else \
            tenant.editable(GoverningDocument).order_by("title")
        self.fields["shared_with"].queryset = services.share_targets(tenant=tenant).order_by("name")
        self.fields["review_interval_months"].required = False
        if not self.instance.pk:
            self.initial.setdefault("review_interval_months", None)
            self.initial.setdefault("status", DocumentStatus.IN_FORCE)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    reviewed_on = forms.DateField(label=_("Reviewed on"), required=False, widget=DATE,
                                  help_text=_("Leave empty for today."))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Required when the document needs revision: say what."))
    next_review = forms.DateField(label=_("Next review"), required=False, widget=DATE,
                                  help_text=_("Leave empty for the review date plus the document's interval."))
