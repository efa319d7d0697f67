"""Security requirements (PRODUCT.md C3): Annex A controls, the requirement catalogue, a system's
assessment against it and the organisation's statement of applicability (SoA).

Multi-valued attributes (control attributes, NIS2 points) are stored as delimited tag strings
such as "|preventive|corrective|": `field__contains="|corrective|"` then filters the same way on
SQLite and PostgreSQL (a JSONField `contains` lookup does not exist on SQLite).
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import CatalogueTenantModel, TenantModel
from organisations.roles import Perm


def tags(values) -> str:
    """['a', 'b'] → '|a|b|' (empty list → '')."""
    values = [v for v in values if v]
    return f"|{'|'.join(values)}|" if values else ""


def untag(value: str) -> list[str]:
    return [v for v in (value or "").split("|") if v]


def tag_filter(value: str) -> str:
    """The substring that finds `value` in a tag string (the delimiters prevent partial matches)."""
    return f"|{value}|"


class Theme(models.TextChoices):
    ORGANISATIONAL = "organisational", _("Organisational")
    PEOPLE = "people", _("People")
    PHYSICAL = "physical", _("Physical")
    TECHNOLOGICAL = "technological", _("Technological")


# ISO/IEC 27002:2022 clause 4.2: the five attribute sets and their values.
class ControlType(models.TextChoices):
    PREVENTIVE = "preventive", _("Preventive")
    DETECTIVE = "detective", _("Detective")
    CORRECTIVE = "corrective", _("Corrective")


class SecurityProperty(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", _("Confidentiality")
    INTEGRITY = "integrity", _("Integrity")
    AVAILABILITY = "availability", _("Availability")


class CyberConcept(models.TextChoices):
    IDENTIFY = "identify", _("Identify")
    PROTECT = "protect", _("Protect")
    DETECT = "detect", _("Detect")
    RESPOND = "respond", _("Respond")
    RECOVER = "recover", _("Recover")


class Capability(models.TextChoices):
    GOVERNANCE = "governance", _("Governance")
    ASSET_MANAGEMENT = "asset_management", _("Asset management")
    INFORMATION_PROTECTION = "information_protection", _("Information protection")
    HUMAN_RESOURCE_SECURITY = "human_resource_security", _("Human resource security")
    PHYSICAL_SECURITY = "physical_security", _("Physical security")
    SYSTEM_AND_NETWORK_SECURITY = "system_and_network_security", _("System and network security")
    APPLICATION_SECURITY = "application_security", _("Application security")
    SECURE_CONFIGURATION = "secure_configuration", _("Secure configuration")
    IDENTITY_AND_ACCESS_MANAGEMENT = "identity_and_access_management", _("Identity and access management")
    THREAT_AND_VULNERABILITY_MANAGEMENT = "threat_and_vulnerability_management", _("Threat and vulnerability management")
    CONTINUITY = "continuity", _("Continuity")
    SUPPLIER_RELATIONSHIPS_SECURITY = "supplier_relationships_security", _("Supplier relationships security")
    LEGAL_AND_COMPLIANCE = "legal_and_compliance", _("Legal and compliance")
    INFORMATION_SECURITY_EVENT_MANAGEMENT = "information_security_event_management", _("Information security event management")
    INFORMATION_SECURITY_ASSURANCE = "information_security_assurance", _("Information security assurance")


class SecurityDomain(models.TextChoices):
    GOVERNANCE_AND_ECOSYSTEM = "governance_and_ecosystem", _("Governance and ecosystem")
    PROTECTION = "protection", _("Protection")
    DEFENCE = "defence", _("Defence")
    RESILIENCE = "resilience", _("Resilience")


# field name on Control → (label, choices). Order as in ISO/IEC 27002:2022 4.2.
ATTRIBUTE_SETS: dict[str, tuple] = {
    "control_types": (_("Control type"), ControlType),
    "properties": (_("Information security property"), SecurityProperty),
    "concepts": (_("Cybersecurity concept"), CyberConcept),
    "capabilities": (_("Operational capability"), Capability),
    "domains": (_("Security domain"), SecurityDomain),
}


def attribute_choices() -> list:
    """Grouped choices "<set>:<value>" for filter forms (one optgroup per attribute set)."""
    return [(label, [(f"{name}:{value}", text) for value, text in choices.choices])
            for name, (label, choices) in ATTRIBUTE_SETS.items()]


def parse_attribute(value: str) -> tuple[str, str] | None:
    """"capabilities:continuity" → ("capabilities", "continuity"); None when not a known value."""
    name, _sep, tag = (value or "").partition(":")
    if name in ATTRIBUTE_SETS and tag in ATTRIBUTE_SETS[name][1].values:
        return name, tag
    return None


class Control(models.Model):
    """One ISO/IEC 27001:2022 Annex A control: its number, a short name of our own (never the
    standard's text, which is copyrighted) and its ISO/IEC 27002:2022 attribute values.

    Reference data loaded by `manage.py load_requirements`, the same for every organisation.
    """

    number = models.CharField(_("number"), max_length=5, unique=True)
    # 5.9 sorts before 5.10: major * 100 + minor.
    sort_key = models.PositiveSmallIntegerField(editable=False)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    control_types = models.CharField(_("control types"), max_length=100, blank=True)
    properties = models.CharField(_("information security properties"), max_length=100, blank=True)
    concepts = models.CharField(_("cybersecurity concepts"), max_length=100, blank=True)
    capabilities = models.CharField(_("operational capabilities"), max_length=400, blank=True)
    domains = models.CharField(_("security domains"), max_length=100, blank=True)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("Annex A control")
        verbose_name_plural = _("Annex A controls")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def save(self, *args, **kwargs):
        major, minor = self.number.split(".")
        self.sort_key = int(major) * 100 + int(minor)
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return self.name_sv if (get_language() or "").startswith("sv") else self.name_en

    def attribute_values(self, name: str) -> list[str]:
        return untag(getattr(self, name))

    def attribute_labels(self) -> list[tuple[str, list[str]]]:
        """[(set label, [value labels])] for display."""
        return [(label, [str(choices(v).label) for v in self.attribute_values(name)])
                for name, (label, choices) in ATTRIBUTE_SETS.items()]


class Area(models.TextChoices):
    GOVERNANCE = "governance", _("Governance")
    ASSETS = "assets", _("Information assets")
    ACCESS = "access", _("Access control")
    LOGGING = "logging", _("Logging and monitoring")
    BACKUP = "backup", _("Backup")
    ENCRYPTION = "encryption", _("Encryption")
    CONTINUITY = "continuity", _("Continuity")
    SUPPLIER = "supplier", _("Suppliers and contracts")
    PHYSICAL = "physical", _("Physical security")
    DEVELOPMENT = "development", _("Development and acquisition")
    OPERATIONS = "operations", _("Operations")
    NETWORK = "network", _("Network security")
    INCIDENT = "incident", _("Incident handling")
    PERSONNEL = "personnel", _("Personnel and training")
    PRIVACY = "privacy", _("Data protection")


# NIS2 (Directive (EU) 2022/2555) article 21(2): the measures every entity must take, (a)–(j).
class Nis2Point(models.TextChoices):
    A = "a", _("(a) risk analysis and information system security policies")
    B = "b", _("(b) incident handling")
    C = "c", _("(c) business continuity, backup, disaster recovery and crisis management")
    D = "d", _("(d) supply chain security")
    E = "e", _("(e) security in acquisition, development and maintenance, vulnerability handling")
    F = "f", _("(f) assessing the effectiveness of the measures")
    G = "g", _("(g) basic cyber hygiene and training")
    H = "h", _("(h) cryptography and encryption")
    I = "i", _("(i) human resources security, access control and asset management")  # noqa: E741
    J = "j", _("(j) multi-factor authentication and secured communications")


class Requirement(CatalogueTenantModel):
    """A security requirement: Tillit's catalogue (no organisation) or an organisation's own.

    `levels` holds the lowest KLASSA level (0–4) per aspect at which the requirement applies,
    e.g. {"K": 2, "R": 2}: it applies when confidentiality or integrity is 2 or higher
    (requirements.rules.applies). The text comes in KLASSA's two forms: "ÄR" (present state,
    for self-assessment) and "SKA" (shall, for procurement and contracts).
    """

    edit_perm = Perm.REQUIREMENT_EDIT
    code = models.CharField(_("code"), max_length=20)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    title = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    # The title in KLASSA's shall form, for the supplier's version (procurement, contract):
    # "Leverantören ska utse en kontaktperson för informationssäkerhet". Empty: the title.
    title_shall = models.CharField(_("title as shall (SKA)"), max_length=200, blank=True)
    title_shall_en = models.CharField(_("title as shall (English)"), max_length=200, blank=True)
    text_is = models.TextField(_("requirement as present state (ÄR)"))
    text_shall = models.TextField(_("requirement as shall (SKA)"))
    levels = models.JSONField(_("applies from level"), default=dict)
    controls = models.ManyToManyField(Control, blank=True, related_name="requirements", verbose_name=_("Annex A controls"))
    nis2_points = models.CharField(_("NIS2 article 21(2) points"), max_length=40, blank=True)
    catalogue_version = models.CharField(_("catalogue version"), max_length=20, blank=True)
    # Catalogue rows a later catalogue version dropped: kept, because assessments refer to them,
    # but no longer derived for any system.
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        ordering = ["area", "code"]
        verbose_name = _("security requirement")
        verbose_name_plural = _("security requirements")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=models.Q(organisation__isnull=True),
                                    name="requirement_catalogue_code_unique"),
            models.UniqueConstraint(fields=["organisation", "code"], name="requirement_org_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("requirements:catalogue") + f"?q={self.code}"

    @property
    def display_title(self) -> str:
        if self.title_en and not (get_language() or "").startswith("sv"):
            return self.title_en
        return self.title

    def title_for(self, form: str) -> str:
        """The title in the requirement's form: the shall title (SKA) for a supplier's version,
        the present-state title (ÄR) otherwise. English readers get the English title."""
        if form == "shall":
            english = not (get_language() or "sv").startswith("sv")
            shall = (self.title_shall_en or self.title_en) if english else self.title_shall
            if shall:
                return shall
        return self.display_title

    @property
    def nis2(self) -> list[str]:
        return untag(self.nis2_points)

    def text(self, form: str) -> str:
        return self.text_shall if form == "shall" else self.text_is


class Status(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# Assessments that can get an action in the action plan: what is missing is work to be done.
ACTION_STATUSES = (Status.NOT_MET, Status.PARTLY_MET)


def evidence_path(instance: "RequirementStatus", filename: str) -> str:
    # A random folder per upload: names never collide and cannot be guessed from the URL.
    return f"requirements/evidence/{instance.organisation_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class RequirementStatus(TenantModel):
    """How far a system meets one requirement (KLASSA's självskattning), with its evidence."""

    edit_perm = Perm.REQUIREMENT_EDIT
    system = models.ForeignKey("inventory.System", on_delete=models.CASCADE, related_name="requirement_statuses",
                               verbose_name=_("system"))
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="statuses",
                                    verbose_name=_("requirement"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("reason it does not apply"), blank=True)
    # A requirement Tillit answers from its data (requirements.derived) takes the status stored
    # here only when a person overrides the derived one, and only with this reason.
    override_reason = models.TextField(_("reason for overriding the status derived from data"), blank=True)
    evidence = models.TextField(_("how it is met (evidence)"), blank=True)
    link = models.URLField(_("link to evidence"), max_length=500, blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, max_length=300, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("assessed by"))
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    # Optimistic locking: a change names the version it was based on (requirements.services).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("requirement status")
        verbose_name_plural = _("requirement statuses")
        constraints = [
            models.UniqueConstraint(fields=["system", "requirement"], name="requirement_status_unique"),
            models.CheckConstraint(condition=~models.Q(status="not_applicable") | ~models.Q(reason=""),
                                   name="requirement_status_na_has_reason"),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="requirement_status_org_idx")]

    def __str__(self) -> str:
        # Names only when already loaded: the trail calls str() on every write, also in bulk
        # inserts and cascading deletes, where a lookup per row would cost a query each.
        fields = type(self)._meta
        requirement = self.requirement.code if fields.get_field("requirement").is_cached(self) else self.requirement_id
        system = self.system.name if fields.get_field("system").is_cached(self) else self.system_id
        return f"{requirement} – {system}: {self.status}"

    def get_absolute_url(self) -> str:
        """The assessment's row in the system's requirement list (ids only: no query)."""
        from django.urls import reverse

        return reverse("requirements:system_requirements", args=[self.system_id]) + f"#req-{self.requirement_id}"

    @property
    def file_name(self) -> str:
        return PurePath(self.evidence_file.name).name if self.evidence_file else ""


class Implementation(models.TextChoices):
    IMPLEMENTED = "implemented", _("Implemented")
    PARTLY = "partly", _("Partly implemented")
    PLANNED = "planned", _("Planned")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")


class ApplicabilityStatement(TenantModel):
    """One row of the organisation's statement of applicability (tillämplighetsförklaring,
    ISO/IEC 27001:2022 6.1.3 d): is the control applicable, why (not), and how far it is in place.
    """

    edit_perm = Perm.REQUIREMENT_EDIT
    control = models.ForeignKey(Control, on_delete=models.PROTECT, related_name="statements", verbose_name=_("control"))
    applicable = models.BooleanField(_("applicable"), default=True)
    # Required when a person marks a control not applicable; generated rows may leave it empty
    # ("reason pending") until someone decides.
    reason = models.TextField(_("reason"), blank=True)
    implementation = models.CharField(_("implementation status"), max_length=20, choices=Implementation.choices,
                                      default=Implementation.NOT_IMPLEMENTED)
    # The implementation status follows from the systems' statuses of the requirements mapped to
    # the control (requirements.selectors.soa_rows); `implementation` counts instead only when
    # a person overrides it, with this reason.
    implementation_override_reason = models.TextField(_("reason for overriding the implementation status"),
                                                      blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("statement of applicability row")
        verbose_name_plural = _("statement of applicability")
        constraints = [models.UniqueConstraint(fields=["organisation", "control"], name="soa_one_row_per_control")]

    def __str__(self) -> str:
        control = self.control.number if type(self)._meta.get_field("control").is_cached(self) else self.control_id
        return f"{control}: {'applicable' if self.applicable else 'not applicable'}"

    @property
    def reason_pending(self) -> bool:
        return not self.applicable and not self.reason.strip()
