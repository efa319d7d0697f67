import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import use_picker
from classification.models import ClassificationSettings, SupplierQuestion
from classification.questionnaire import CHOICE, MULTI, QUESTIONS, YES_NO
from classification.schemes import ASPECT_LABELS, SCHEMES
from classification.selectors import QUESTION_SUBJECTS, QUESTION_VIEWS, STATUS_FILTERS

NOT_ANSWERED = ("", _("Not answered yet"))


class QuestionnaireForm(forms.Form):
    """Every question with its reasoning, the optional overrides and the responsible person.

    All fields are optional: a half-way save keeps what has been answered so far.
    """

    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=None, required=False,
                                         help_text=_("Reminded when the classification is due for review."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, scheme: str, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = SCHEMES[scheme]
        self.fields["responsible"].queryset = users
        use_picker(self, "responsible", "people")
        for q in QUESTIONS:
            if q.kind == YES_NO:
                field = forms.ChoiceField(choices=[NOT_ANSWERED, ("yes", _("Yes")), ("no", _("No"))],
                                          widget=forms.RadioSelect)
            elif q.kind == CHOICE:
                field = forms.ChoiceField(choices=[NOT_ANSWERED, *q.options], widget=forms.RadioSelect)
            else:
                field = forms.MultipleChoiceField(choices=q.options, widget=forms.CheckboxSelectMultiple)
            field.required = False
            field.label = q.text
            field.help_text = q.help
            self.fields[f"q_{q.id}"] = field
            self.fields[f"r_{q.id}"] = forms.CharField(
                label=_("Reasoning"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
        levels = [("", _("As the answers give"))] + [(str(n), f"{n} {label}") for n, label in self.scheme.levels]
        for aspect in self.scheme.aspects:
            self.fields[f"override_{aspect}"] = forms.TypedChoiceField(
                label=ASPECT_LABELS[aspect], choices=levels, coerce=int, empty_value=None, required=False)
            self.fields[f"justification_{aspect}"] = forms.CharField(
                label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def initial_for(classification) -> dict:
        """The form's initial values from a saved classification."""
        initial = {"responsible": classification.responsible_id, "version": classification.version}
        for q in QUESTIONS:
            value = classification.answers.get(q.id)
            if q.kind == YES_NO and value is not None:
                value = "yes" if value else "no"
            initial[f"q_{q.id}"] = value
            initial[f"r_{q.id}"] = classification.reasoning.get(q.id, "")
        for aspect, override in classification.overrides.items():
            initial[f"override_{aspect}"] = override["level"]
            initial[f"justification_{aspect}"] = override["justification"]
        return initial

    def answers(self) -> dict:
        result = {}
        for q in QUESTIONS:
            value = self.cleaned_data.get(f"q_{q.id}")
            if q.kind == YES_NO:
                value = {"yes": True, "no": False}.get(value)
            result[q.id] = value or (False if value is False else None)
        return result

    def reasoning(self) -> dict:
        return {q.id: self.cleaned_data.get(f"r_{q.id}", "") for q in QUESTIONS}

    def overrides(self) -> dict:
        return {
            aspect: {"level": self.cleaned_data.get(f"override_{aspect}"),
                     "justification": self.cleaned_data.get(f"justification_{aspect}", "")}
            for aspect in self.scheme.aspects
        }

    def questions(self) -> list[dict]:
        """The questions grouped by section, each with its answer and reasoning fields."""
        sections: list[dict] = []
        for q in QUESTIONS:
            if not sections or sections[-1]["title"] != q.section:
                sections.append({"title": q.section, "questions": []})
            sections[-1]["questions"].append({"question": q, "answer": self[f"q_{q.id}"], "reasoning": self[f"r_{q.id}"],
                                              "multi": q.kind == MULTI})
        return sections

    def override_rows(self) -> list[dict]:
        return [{"aspect": a, "level": self[f"override_{a}"], "justification": self[f"justification_{a}"]}
                for a in self.scheme.aspects]


class ClassificationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=list(zip(STATUS_FILTERS, [_("All"), _("Not classified"), _("Draft"), _("For review"), _("Approved")])),
    )
    stale = forms.BooleanField(label=_("Only those past their review date"), required=False)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ClassificationSettings
        fields = ["scheme", "review_months"]
        help_texts = {"review_months": _("Approved classifications are due for review this many months later.")}


def default_due_date():
    """An answer is due four weeks after the question, unless the asker says otherwise."""
    return timezone.localdate() + datetime.timedelta(weeks=4)


class SupplierQuestionForm(forms.ModelForm):
    """A question from a classification's page: its subject is that classification."""

    class Meta:
        model = SupplierQuestion
        fields = ["supplier", "question", "due_date"]
        widgets = {"question": forms.Textarea(attrs={"rows": 3}), "due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, suppliers, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("due_date", default_due_date())
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers


class AskForm(forms.ModelForm):
    """A question from the list page or a system's page: supplier, subject, question, answer due."""

    class Meta:
        model = SupplierQuestion
        fields = ["supplier", "classification", "system", "requirement", "contract", "question", "due_date"]
        widgets = {"question": forms.Textarea(attrs={"rows": 4}), "due_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"classification": _("A question about a classification blocks it until it is answered."),
                      "contract": _("One of your contracts with the supplier you ask.")}

    def __init__(self, *args, suppliers, classifications, systems, requirements, contracts, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("due_date", default_due_date())
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers
        self.fields["classification"].queryset = classifications
        self.fields["system"].queryset = systems
        self.fields["requirement"].queryset = requirements
        self.fields["contract"].queryset = contracts


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("The supplier's answer"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 6}))


class QuestionFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Show"), required=False,
        choices=list(zip(QUESTION_VIEWS, [_("Open"), _("Overdue"), _("Answered"), _("All")])),
    )
    supplier = forms.ModelChoiceField(label=_("Supplier"), required=False, queryset=None, empty_label=_("All"))
    subject = forms.ChoiceField(
        label=_("About"), required=False,
        choices=list(zip(QUESTION_SUBJECTS, [_("Anything"), _("A classification"), _("A system"), _("A requirement"),
                                         _("A contract")])),
    )

    def __init__(self, *args, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers


class ToUsFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Show"), required=False,
        choices=list(zip(QUESTION_VIEWS, [_("Open"), _("Overdue"), _("Answered"), _("All")])),
    )
    organisation = forms.ModelChoiceField(label=_("Asked by"), required=False, queryset=None, empty_label=_("All"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class NewInformationTypeForm(forms.Form):
    """A new information type of a system, to classify at once (from the system's page)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    personal_data = forms.BooleanField(label=_("Contains personal data"), required=False)
    sensitive_personal_data = forms.BooleanField(
        label=_("Contains sensitive personal data"), required=False,
        help_text=_("Health, ethnic origin, political opinions, religious beliefs, trade union membership, genetic "
                    "or biometric data, sex life or sexual orientation (GDPR article 9)."))

    def clean_name(self):
        return self.cleaned_data["name"].strip()
