"""The type-ahead picker: one widget for choosing systems, information types, suppliers and people.

It replaces long drop-downs and Ctrl-click list boxes. What is chosen is rendered as chips,
each a checked checkbox carrying the field's name and the record's pk, so the form posts
exactly what a <select> would and the field's own validation (its queryset, taken through the
tenant) decides as before. A search box asks `core:picker` for matches as the user types
(htmx); static/core/picker.js turns a picked match into a chip. Without JavaScript the chips
still post (unticking one removes it), and a plain <select> inside <noscript> offers the other
choices while there are few enough of them to list.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Beyond this many choices the <noscript> fallback lists none: a page listing thousands of
# systems is what the picker replaces (see bench/results for what that cost).
NOSCRIPT_LIMIT = 200


class PickerMixin:
    # In core/templates/: the default form renderer looks in the apps' folders, not templates/.
    template_name = "core/widgets/picker.html"

    def __init__(self, kind: str, attrs=None, placeholder=None):
        super().__init__(attrs)
        self.kind = kind
        self.placeholder = placeholder

    def _label(self, obj) -> str:
        field = getattr(self.choices, "field", None)
        return field.label_from_instance(obj) if field is not None else str(obj)

    def _queryset(self):
        return getattr(self.choices, "queryset", None)

    def get_context(self, name, value, attrs):
        # Deliberately not super().get_context(): a Select's context lists every choice, which
        # is the query and the page weight the picker exists to avoid.
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen_pks = [str(v) for v in self.format_value(value) if v not in ("", None)]
        queryset = self._queryset()
        chosen, others = [], None
        if queryset is not None:
            if chosen_pks:
                try:
                    by_pk = {str(obj.pk): obj for obj in queryset.filter(pk__in=chosen_pks)}
                except (ValueError, TypeError):
                    by_pk = {}
                # A posted pk outside the queryset is dropped here; the field reports it.
                chosen = [(pk, self._label(by_pk[pk])) for pk in chosen_pks if pk in by_pk]
            rows = list(queryset.exclude(pk__in=[pk for pk, _label in chosen])[: NOSCRIPT_LIMIT + 1])
            if len(rows) <= NOSCRIPT_LIMIT:
                others = [(str(obj.pk), self._label(obj)) for obj in rows]
        widget_id = context["widget"]["attrs"].get("id") or f"picker_{name}"
        context["picker"] = {
            "id": widget_id,
            "kind": self.kind,
            "url": reverse("core:picker", args=[self.kind]),
            "multiple": self.allow_multiple_selected,
            "chosen": chosen,
            "others": others,
            "placeholder": self.placeholder or _("Type to search"),
        }
        return context

    def use_required_attribute(self, initial):
        # The search box is not the value: "required" on it would block a form whose value
        # is already chosen.
        return False


class Picker(PickerMixin, forms.Select):
    """Search-as-you-type choice of one record (a ModelChoiceField)."""

    allow_multiple_selected = False

    def value_from_datadict(self, data, files, name):
        # Without JavaScript a chip and the <noscript> select may both post: a chip kept
        # ticked wins over the select's first, empty option.
        values = [v for v in data.getlist(name) if v] if hasattr(data, "getlist") else [data.get(name)]
        return values[0] if values else None


class MultiPicker(PickerMixin, forms.SelectMultiple):
    """Search-as-you-type choice of several records (a ModelMultipleChoiceField)."""

    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        values = super().value_from_datadict(data, files, name)
        return [v for v in values if v] if values is not None else values


def use_picker(form: forms.BaseForm, name: str, kind: str) -> None:
    """Give an already-built field of `form` the picker (after its queryset was set)."""
    field = form.fields[name]
    widget_class = MultiPicker if isinstance(field, forms.ModelMultipleChoiceField) else Picker
    widget = widget_class(kind)
    widget.is_required = field.required
    widget.choices = field.choices
    field.widget = widget
