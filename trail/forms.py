from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_CHECKPOINT_BYTES = 16 * 1024


class VerifyForm(forms.Form):
    checkpoint = forms.FileField(
        label=_("Checkpoint file (optional)"), required=False,
        help_text=_("A checkpoint kept outside Tillit, e.g. the attachment of a checkpoint e-mail. Without one "
                    "the trail is compared with the stored checkpoints."),
    )

    def clean_checkpoint(self):
        upload = self.cleaned_data.get("checkpoint")
        if upload and upload.size > MAX_CHECKPOINT_BYTES:
            raise ValidationError(_("A checkpoint file is a few hundred bytes; this one is too large."))
        return upload


SYSTEM_ACTOR = "system"


def _record_type_choices() -> list[tuple[str, str]]:
    """Every kind of record the trail captures, by the name people use, alphabetically."""
    from django.apps import apps
    from django.utils.text import capfirst

    from trail.models import AuditedModel

    found = {m._meta.label_lower: capfirst(str(m._meta.verbose_name))
             for m in apps.get_models() if issubclass(m, AuditedModel)}
    return sorted(found.items(), key=lambda item: item[1].casefold())


class LogFilterForm(forms.Form):
    """The auditor's filters on the trail page and its export: person, period, record type, action, channel."""

    person = forms.ChoiceField(label=_("Person"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    record_type = forms.ChoiceField(label=_("Record type"), required=False)
    action = forms.ChoiceField(label=_("Kind of change"), required=False)
    source = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(self, *args, tenant, **kwargs):
        from trail.models import Action, Source

        super().__init__(*args, **kwargs)
        anyone = [("", _("Anyone"))]
        people = [(str(u.pk), str(u)) for u in tenant.users()]
        self.fields["person"].choices = anyone + [(SYSTEM_ACTOR, _("No person (system jobs, imports, commands)"))] + people
        self.fields["record_type"].choices = [("", _("All record types"))] + _record_type_choices()
        self.fields["action"].choices = [("", _("All actions"))] + list(Action.choices)
        self.fields["source"].choices = [("", _("All channels"))] + list(Source.choices)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The period ends before it starts."))
        return data

    def filters(self) -> dict:
        """The chosen filters as keyword arguments of trail.selectors.filtered_log (valid form only)."""
        data = self.cleaned_data
        person = data.get("person") or None
        return {
            "person": person if person in (None, SYSTEM_ACTOR) else int(person),
            "date_from": data.get("date_from"), "date_to": data.get("date_to"),
            "record_type": data.get("record_type") or None, "action": data.get("action") or None,
            "source": data.get("source") or None,
        }
