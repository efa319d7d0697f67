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
