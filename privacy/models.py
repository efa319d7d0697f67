"""Data protection (GDPR): the record of processing, processor agreements, transfers and DPIAs.

In a municipality each nämnd (and the kommunstyrelse) is its own controller, so a processing
activity names its controllers as units of the organisation (joint controllers possible).
The IT company as processor keeps its own record (art. 30(2)) addressed to the municipality
it concerns ("reported once, each decides", core.tenancy).
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import AddressedTenantModel, TenantModel
from organisations.roles import Perm


class LegalBasis(models.TextChoices):
    """GDPR art. 6(1)."""

    CONSENT = "a", _("Consent (art. 6(1)(a))")
    CONTRACT = "b", _("Contract (art. 6(1)(b))")
    LEGAL_OBLIGATION = "c", _("Legal obligation (art. 6(1)(c))")
    VITAL_INTERESTS = "d", _("Vital interests (art. 6(1)(d))")
    PUBLIC_TASK = "e", _("Task in the public interest or exercise of official authority (art. 6(1)(e))")
    LEGITIMATE_INTERESTS = "f", _("Legitimate interests (art. 6(1)(f))")


class Art9Ground(models.TextChoices):
    """GDPR art. 9(2): the exception that allows special categories of personal data."""

    CONSENT = "a", _("Explicit consent (art. 9(2)(a))")
    EMPLOYMENT = "b", _("Employment and social security law (art. 9(2)(b))")
    VITAL = "c", _("Vital interests (art. 9(2)(c))")
    NON_PROFIT = "d", _("Non-profit body (art. 9(2)(d))")
    PUBLIC = "e", _("Made public by the data subject (art. 9(2)(e))")
    LEGAL_CLAIMS = "f", _("Legal claims (art. 9(2)(f))")
    PUBLIC_INTEREST = "g", _("Substantial public interest (art. 9(2)(g))")
    HEALTH_SOCIAL_CARE = "h", _("Health or social care (art. 9(2)(h))")
    PUBLIC_HEALTH = "i", _("Public health (art. 9(2)(i))")
    ARCHIVING = "j", _("Archiving, research or statistics (art. 9(2)(j))")


class DataSubject(models.TextChoices):
    RESIDENTS = "residents", _("Residents")
    PUPILS = "pupils", _("Children and pupils")
    GUARDIANS = "guardians", _("Guardians")
    CLIENTS = "clients", _("Clients of the social services")
    PATIENTS = "patients", _("Patients")
    EMPLOYEES = "employees", _("Employees")
    APPLICANTS = "applicants", _("Applicants")
    ELECTED = "elected", _("Elected representatives")
    CONTACTS = "contacts", _("Contact persons of companies and organisations")


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Name and personal identity number")
    CONTACT = "contact", _("Contact details")
    FINANCIAL = "financial", _("Financial details")
    EMPLOYMENT = "employment", _("Employment details")
    EDUCATION = "education", _("Education and grades")
    SOCIAL = "social", _("Social circumstances")
    PROPERTY = "property", _("Property and building details")
    COMMUNICATION = "communication", _("Communication and its metadata")
    # Special categories (art. 9(1)) …
    HEALTH = "health", _("Health (special category, art. 9)")
    ETHNIC = "ethnic", _("Ethnic origin (special category, art. 9)")
    RELIGION = "religion", _("Religious or philosophical beliefs (special category, art. 9)")
    UNION = "union", _("Trade union membership (special category, art. 9)")
    BIOMETRIC = "biometric", _("Biometric or genetic data (special category, art. 9)")
    SEX_LIFE = "sex_life", _("Sex life or sexual orientation (special category, art. 9)")
    POLITICAL = "political", _("Political opinions (special category, art. 9)")
    # … and data on criminal convictions and offences (art. 10).
    CRIMINAL = "criminal", _("Criminal convictions and offences (art. 10)")


SPECIAL_CATEGORIES = frozenset({DataCategory.HEALTH, DataCategory.ETHNIC, DataCategory.RELIGION, DataCategory.UNION,
                                DataCategory.BIOMETRIC, DataCategory.SEX_LIFE, DataCategory.POLITICAL})


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETE = "complete", _("Complete")


class ProcessingActivity(TenantModel):
    """One processing activity in the record of processing (GDPR art. 30(1))."""

    @classmethod
    def trail_value_label(cls, field: str, value, key=None):
        """The history names the categories by their labels (trail.display)."""
        choices = {"data_subjects": DataSubject, "data_categories": DataCategory}.get(field)
        return choices(value).label if choices and value in choices.values else None

    edit_perm = Perm.PRIVACY_EDIT
    name = models.CharField(_("name"), max_length=200)
    controllers = models.ManyToManyField("organisations.Unit", related_name="processing_activities",
                                         verbose_name=_("controllers"))
    purpose = models.TextField(_("purpose"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=1, choices=LegalBasis.choices, blank=True)
    legal_basis_reference = models.CharField(_("legal basis in law"), max_length=300, blank=True,
                                             help_text=_("The law or decision behind the task, e.g. Skollagen (2010:800)."))
    art9_ground = models.CharField(_("exception for special categories (art. 9(2))"), max_length=1,
                                   choices=Art9Ground.choices, blank=True)
    art10_basis = models.CharField(_("basis for data on offences (art. 10)"), max_length=300, blank=True)
    data_subjects = models.JSONField(_("categories of data subjects"), default=list, blank=True)
    data_subjects_other = models.TextField(_("other data subjects"), blank=True)
    data_categories = models.JSONField(_("categories of personal data"), default=list, blank=True)
    data_categories_other = models.TextField(_("other personal data"), blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    retention = models.TextField(_("retention (gallring)"), blank=True,
                                 help_text=_("As the document management plan says, e.g. the disposal rule."))
    retention_months = models.PositiveIntegerField(_("retention period (months)"), null=True, blank=True)
    systems = models.ManyToManyField("inventory.System", blank=True, related_name="processing_activities",
                                     verbose_name=_("systems"))
    information_types = models.ManyToManyField("inventory.InformationType", blank=True,
                                               related_name="processing_activities",
                                               verbose_name=_("information types"))
    processors = models.ManyToManyField("suppliers.Supplier", blank=True, related_name="processing_activities",
                                        verbose_name=_("processors"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    review_date = models.DateField(_("next review"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus.choices,
                              default=ActivityStatus.DRAFT)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")
        indexes = [
            models.Index(fields=["organisation", "name", "id"], name="privacy_act_org_name_idx"),
            models.Index(fields=["organisation", "status"], name="privacy_act_org_status_idx"),
            models.Index(fields=["organisation", "review_date"], name="privacy_act_org_review_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("privacy:activity_detail", args=[self.pk])

    @property
    def special_categories(self) -> bool:
        return bool(SPECIAL_CATEGORIES & set(self.data_categories or []))

    @property
    def criminal_data(self) -> bool:
        return DataCategory.CRIMINAL in (self.data_categories or [])

    def data_subject_labels(self) -> list[str]:
        labels = dict(DataSubject.choices)
        return [str(labels.get(k, k)) for k in self.data_subjects or []]

    def data_category_labels(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(k, k)) for k in self.data_categories or []]

    def get_legal_basis_label(self) -> str:
        return str(dict(LegalBasis.choices).get(self.legal_basis, "")) if self.legal_basis else ""


class ActivityTransfer(TenantModel):
    """A transfer of a processing activity's data to a third country (art. 30(1)(e))."""

    edit_perm = Perm.PRIVACY_EDIT
    activity = models.ForeignKey(ProcessingActivity, on_delete=models.CASCADE, related_name="transfers",
                                 verbose_name=_("processing activity"))
    country = models.CharField(_("country"), max_length=2)
    recipient = models.CharField(_("recipient"), max_length=200)
    dpf_certified = models.BooleanField(_("recipient certified under the EU–US Data Privacy Framework"), default=False)
    scc_signed = models.BooleanField(_("standard contractual clauses signed"), default=False)
    tia_done = models.BooleanField(_("transfer impact assessment made"), default=False)
    safeguards = models.TextField(_("documented safeguards"), blank=True)

    class Meta:
        ordering = ["activity", "country", "pk"]
        verbose_name = _("third-country transfer")
        verbose_name_plural = _("third-country transfers")
        indexes = [models.Index(fields=["organisation", "country"], name="privacy_transfer_org_idx")]

    def __str__(self) -> str:
        return f"{self.activity} → {self.country}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:activity_detail", args=[self.activity_id])


def agreement_document_path(instance: "ProcessorAgreement", filename: str) -> str:
    # A random folder per upload, like the contracts: two agreements' "PUB-avtal.pdf" never collide.
    return f"privacy/agreements/{instance.organisation_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class ProcessorAgreement(TenantModel):
    """A data processing agreement (art. 28) with one supplier, for one or more controllers.

    `points` maps each art. 28(3) checklist point (privacy/data/art28_checklist.json) the
    agreement covers to the clause that covers it; the others are its gaps.
    """

    @classmethod
    def trail_json_key_label(cls, field: str, key: str):
        """The history names a point of art. 28(3) by its title (trail.display)."""
        if field == "points":
            from privacy.rules import art28_checklist

            return next((p.title for p in art28_checklist()[1] if p.key == key), None)
        return None

    edit_perm = Perm.PRIVACY_EDIT
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="processor_agreements",
                                 verbose_name=_("processor"))
    controllers = models.ManyToManyField("organisations.Unit", blank=True, related_name="processor_agreements",
                                         verbose_name=_("controllers"),
                                         help_text=_("Leave empty when the agreement covers every controller "
                                                     "of the organisation."))
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference (registry number)"), max_length=100, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to=agreement_document_path, max_length=300, blank=True)
    checklist_version = models.CharField(_("checklist version"), max_length=20, blank=True)
    points = models.JSONField(_("points covered"), default=dict, blank=True)
    dpf_certified = models.BooleanField(_("processor certified under the EU–US Data Privacy Framework"), default=False)
    scc_signed = models.BooleanField(_("standard contractual clauses signed"), default=False)
    tia_done = models.BooleanField(_("transfer impact assessment made"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["supplier__name", "title", "pk"]
        verbose_name = _("data processing agreement")
        verbose_name_plural = _("data processing agreements")
        indexes = [models.Index(fields=["organisation", "supplier"], name="privacy_dpa_org_supplier_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("privacy:dpa_detail", args=[self.pk])

    @property
    def document_name(self) -> str:
        return PurePath(self.document.name).name if self.document else ""


class SubProcessor(TenantModel):
    """A sub-processor the processor engages under the agreement, with its country."""

    edit_perm = Perm.PRIVACY_EDIT
    agreement = models.ForeignKey(ProcessorAgreement, on_delete=models.CASCADE, related_name="sub_processors",
                                  verbose_name=_("agreement"))
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    service = models.CharField(_("service"), max_length=300, blank=True)
    dpf_certified = models.BooleanField(_("certified under the EU–US Data Privacy Framework"), default=False)
    scc_signed = models.BooleanField(_("standard contractual clauses signed"), default=False)
    tia_done = models.BooleanField(_("transfer impact assessment made"), default=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("sub-processor")
        verbose_name_plural = _("sub-processors")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("privacy:dpa_detail", args=[self.agreement_id])


class AuditOutcome(models.TextChoices):
    NO_REMARKS = "no_remarks", _("No remarks")
    REMARKS = "remarks", _("Remarks to follow up")
    SERIOUS = "serious", _("Serious deficiencies")


class ProcessorAudit(TenantModel):
    """An audit of the processor under art. 28(3)(h), dated, with its outcome."""

    edit_perm = Perm.PRIVACY_EDIT
    agreement = models.ForeignKey(ProcessorAgreement, on_delete=models.CASCADE, related_name="audits",
                                  verbose_name=_("agreement"))
    date = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=AuditOutcome.choices)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("audit of the processor")
        verbose_name_plural = _("audits of the processor")

    def __str__(self) -> str:
        return f"{self.agreement} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:dpa_detail", args=[self.agreement_id])


class ProcessorRecord(AddressedTenantModel):
    """The processor's record of processing for one controller (art. 30(2)).

    The IT company's record, addressed to the one municipality it concerns: that
    municipality reads its own part, never another customer's.
    """

    edit_perm = Perm.PRIVACY_EDIT
    controller_name = models.CharField(_("controller"), max_length=200,
                                       help_text=_("The nämnd or the kommunstyrelse the processing is for."))
    controller_contact = models.CharField(_("controller's contact details"), max_length=300, blank=True)
    processing = models.TextField(_("categories of processing carried out"))
    transfers = models.TextField(_("third-country transfers"), blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    security_measures = models.TextField(_("security measures"), blank=True)

    class Meta:
        ordering = ["controller_name", "pk"]
        verbose_name = _("record of processing as processor")
        verbose_name_plural = _("records of processing as processor")

    def __str__(self) -> str:
        return self.controller_name

    def get_absolute_url(self) -> str:
        return reverse("privacy:processor_record")


class DpiaStatus(models.TextChoices):
    DRAFT = "draft", _("Being written")
    AWAITING_ADVICE = "awaiting_advice", _("Awaiting the DPO's advice")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting the controller's decision")
    DECIDED = "decided", _("Decided")


OPEN_DPIA_STATUSES = (DpiaStatus.DRAFT, DpiaStatus.AWAITING_ADVICE, DpiaStatus.AWAITING_DECISION)


class DpiaDecision(models.TextChoices):
    PROCEED = "proceed", _("The processing may go ahead with the measures")
    STOP = "stop", _("The processing must not go ahead")


class Dpia(TenantModel):
    """A data protection impact assessment (art. 35) with its screening, advice and decision."""

    @classmethod
    def trail_value_label(cls, field: str, value, key=None):
        """The history names the WP248 criteria and the cases of art. 35(3) by their titles."""
        if field in ("criteria", "art35_3"):
            from privacy.rules import dpia_screening

            _threshold, criteria, cases = dpia_screening()
            points = criteria if field == "criteria" else cases
            return next((p.title for p in points if p.key == value), None)
        return None

    edit_perm = Perm.PRIVACY_EDIT
    title = models.CharField(_("title"), max_length=300)
    activity = models.ForeignKey(ProcessingActivity, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="dpias", verbose_name=_("processing activity"))
    criteria = models.JSONField(_("screening criteria met (WP248)"), default=list, blank=True)
    art35_3 = models.JSONField(_("cases of art. 35(3)"), default=list, blank=True)
    description = models.TextField(_("description of the processing"), blank=True)
    necessity = models.TextField(_("necessity and proportionality"), blank=True)
    risks = models.ManyToManyField("risk.Risk", blank=True, related_name="dpias",
                                   verbose_name=_("risks to the data subjects"))
    measures = models.TextField(_("measures"), blank=True)
    residual_high = models.BooleanField(_("the residual risk stays high"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=DpiaStatus.choices, default=DpiaStatus.DRAFT)
    dpo_advice = models.TextField(_("the DPO's advice"), blank=True)
    dpo_advice_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("advice given by"))
    dpo_advice_at = models.DateTimeField(_("advice given"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=DpiaDecision.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    imy_consulted_on = models.DateField(_("IMY consulted on (art. 36)"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("impact assessment (DPIA)")
        verbose_name_plural = _("impact assessments (DPIA)")
        indexes = [models.Index(fields=["organisation", "status"], name="privacy_dpia_org_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("privacy:dpia_detail", args=[self.pk])

    @property
    def prior_consultation_needed(self) -> bool:
        """Art. 36(1): the residual risk stays high, so IMY must be consulted before processing."""
        return self.residual_high and not self.imy_consulted_on
