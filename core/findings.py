"""Automatic findings: the gaps an auditor would find, read from Tillit's own data.

Each module that owns the data contributes its rules in `<app>/findings.py` as
`RULES: list[Rule]`, named in SOURCES by dotted path (core.loading.optional_hooks: a module
that is not there is skipped). The audits app evaluates the rules for an organisation, groups
the findings of one theme into one observation, keeps when each finding appeared and went, and
lets an auditor adopt them into an audit.

A rule's `check(tenant, *, today)` reads through `tenant.scope(...)` only: the engine passes
`core.tenancy.organisation_reader(organisation)`, the organisation's own reading of its data
(its records and what suppliers addressed to it), so a rule sees what the organisation's
members see and nothing more. It returns one Evidence per record behind the finding; no
evidence means no finding. A check reads a bounded number of queries whatever the data size.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The priorities of a municipal audit report (the second seed, section 4), shortest first.
SHORT, MEDIUM, LONG = "short", "medium", "long"
PRIORITIES = {
    SHORT: _("Short term"),
    MEDIUM: _("Medium term"),
    LONG: _("Long term"),
}
PRIORITY_DEFINITIONS = {
    SHORT: _("Should be handled in the short term. May have a high impact on the organisation's objectives, "
             "information security and/or its ability to comply with laws, regulations and internal policies."),
    MEDIUM: _("Should be handled in the medium term. May have an impact on the organisation's objectives, "
              "information security and/or its ability to comply with laws, regulations and internal policies, "
              "and could lead to an inefficient use of resources."),
    LONG: _("Can be handled in the longer term. Does not directly affect the organisation's objectives but may "
            "lead to inefficiency, minor weaknesses in information security, in compliance with internal "
            "policies, or deviations from good practice."),
}


@dataclass(frozen=True)
class Theme:
    """What the findings of several rules have in common: one observation in an audit."""

    key: str
    title: object  # lazy text: the observation's heading
    priority: str  # the observation's priority when its findings do not say otherwise


# The themes, in the order an audit report presents them. The first five are the second
# seed's observations 4.1–4.5 (its audit of a municipality's IT supplier); rules of other
# practices add their own themes after them.
THEMES = [
    Theme("contract_requirements", _("Security requirements are not specified in the contract with the supplier"),
          SHORT),
    Theme("needs_based_requirements",
          _("The requirements on the supplier are not grounded in the organisation's actual needs"), SHORT),
    Theme("delivery_follow_up", _("There is no structured follow-up of the supplier's service delivery"), MEDIUM),
    Theme("incident_evaluation", _("There is no process for evaluating incidents together with the supplier"),
          LONG),
    Theme("change_involvement", _("The organisation is not sufficiently involved in change management"), LONG),
    Theme("privacy", _("The processing of personal data lacks agreements or a lawful basis"), SHORT),
    Theme("incident_reporting", _("Incidents are not reported to the authorities on time"), SHORT),
    Theme("action_follow_up", _("Decided actions are not carried out on time"), MEDIUM),
]
THEMES_BY_KEY = {theme.key: theme for theme in THEMES}


@dataclass(frozen=True)
class Evidence:
    """One record behind a finding."""

    key: str  # stable per record, e.g. "incidents.incident:42": the history follows it
    label: str  # what a person reads: "Incident: Avbrott i e-posten (2026-03-02)"
    url: str  # the record's page


@dataclass(frozen=True)
class Rule:
    key: str  # stable, e.g. "incidents.closed_without_review"
    theme: str  # a THEMES key
    title: object  # lazy text: what is wrong, in one line
    citation: object  # lazy text: the practice it checks ("ISO/IEC 27001:2022 A.5.27", "NIS2 art. 21(2)(b)")
    priority: str  # SHORT, MEDIUM or LONG
    recommendation: object  # lazy text: the suggested recommendation
    check: Callable  # check(tenant, *, today) -> list[Evidence]


SOURCES = [
    "suppliers.findings.RULES",
    "classification.findings.RULES",
    "risk.findings.RULES",
    "kpis.findings.RULES",
    "policies.findings.RULES",
    "actions.findings.RULES",
    "incidents.findings.RULES",
    "changes.findings.RULES",
    "privacy.findings.RULES",
]
