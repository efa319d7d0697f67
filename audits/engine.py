"""The findings engine: every Rule of every installed source, evaluated for one organisation,
grouped by theme into observations, with the history of when each finding appeared and went.

History is recorded by `manage.py record_findings` (run nightly beside `send_reminders`) and
when an auditor adopts findings into an audit, never by a page view: a write only when something
changed. The findings page reads `current`: computed afresh after every write to the data (and
every minute), kept in the cache in between.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from core import datacache
from core import findings as core_findings
from core.loading import optional_hooks
from core.tenancy import organisation_reader
from organisations.models import Organisation

URGENCY = {core_findings.SHORT: 0, core_findings.MEDIUM: 1, core_findings.LONG: 2}


def all_rules() -> list[core_findings.Rule]:
    rules = []
    for source in optional_hooks(core_findings.SOURCES):
        rules.extend(source)
    return rules


def rule_titles() -> dict[str, object]:
    """{rule key: its title}: how people read a stored rule key."""
    return {rule.key: rule.title for rule in all_rules()}


def installed_themes() -> set[str]:
    return {rule.theme for rule in all_rules()}


@dataclass
class Finding:
    rule: core_findings.Rule
    evidence: list[core_findings.Evidence]


@dataclass
class ThemeGroup:
    """The findings of one theme: one observation."""

    theme: core_findings.Theme
    findings: list[Finding] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.theme.key

    @property
    def title(self):
        return self.theme.title

    @property
    def priority(self) -> str:
        """The theme's priority, unless one of its rules says it is more urgent."""
        return min([self.theme.priority] + [f.rule.priority for f in self.findings], key=URGENCY.__getitem__)

    @property
    def priority_label(self):
        return core_findings.PRIORITIES[self.priority]

    @property
    def evidence(self) -> list[core_findings.Evidence]:
        return [e for f in self.findings for e in f.evidence]

    @property
    def recommendations(self) -> list:
        seen, result = set(), []
        for f in self.findings:
            text = str(f.rule.recommendation)
            if text not in seen:
                seen.add(text)
                result.append(text)
        return result

    @property
    def citations(self) -> list[str]:
        return sorted({str(f.rule.citation) for f in self.findings})


def evaluate(organisation: Organisation, *, today: datetime.date) -> list[ThemeGroup]:
    """The organisation's current findings grouped by theme, in the report's order of themes."""
    reader = organisation_reader(organisation)
    groups: dict[str, ThemeGroup] = {}
    for rule in all_rules():
        evidence = rule.check(reader, today=today)
        if not evidence:
            continue
        theme = core_findings.THEMES_BY_KEY[rule.theme]
        groups.setdefault(theme.key, ThemeGroup(theme)).findings.append(Finding(rule, list(evidence)))
    order = {t.key: i for i, t in enumerate(core_findings.THEMES)}
    return sorted(groups.values(), key=lambda g: order[g.key])


def current(organisation: Organisation, *, today: datetime.date) -> list[ThemeGroup]:
    """`evaluate`, kept until the next write or the next minute (core.datacache): what the
    findings page and the API read. Writing the history, and gathering a management review's
    inputs, read `evaluate` itself."""
    rules = {rule.key: rule for rule in all_rules()}

    def plain():
        return [(f.rule.key, [(e.key, str(e.label), e.url) for e in f.evidence])
                for group in evaluate(organisation, today=today) for f in group.findings]

    groups: dict[str, ThemeGroup] = {}
    for rule_key, evidence in datacache.remembered("findings", organisation, today.isoformat(), compute=plain):
        rule = rules.get(rule_key)
        if rule is None:  # a rule of a source no longer installed
            continue
        theme = core_findings.THEMES_BY_KEY[rule.theme]
        groups.setdefault(theme.key, ThemeGroup(theme)).findings.append(
            Finding(rule, [core_findings.Evidence(*e) for e in evidence]))
    return list(groups.values())


@dataclass(frozen=True)
class Changes:
    appeared: int
    resolved: int


def record(organisation: Organisation, groups: list[ThemeGroup], *, today: datetime.date,
           touch: bool = False) -> Changes:
    """Keep the history: new findings appear, findings no longer there are resolved, returning ones reopen.

    Three queries when nothing changed. `touch` (the nightly run) also moves `last_seen` to today.
    """
    from audits.models import FindingRecord

    current = {}
    for group in groups:
        for finding in group.findings:
            for e in finding.evidence:
                current[(finding.rule.key, e.key)] = (group.key, e)
    # The organisation's own history, written for it by the engine (the reading tenant the rules
    # get can change nothing; the engine records what it found for that same organisation only).
    known = {(r.rule, r.evidence_key): r for r in FindingRecord.objects.filter(organisation=organisation)}
    appeared = resolved = 0
    with transaction.atomic():
        for key, (theme, e) in current.items():
            row = known.get(key)
            if row is None:
                FindingRecord.objects.create(organisation=organisation, rule=key[0], theme=theme, evidence_key=key[1],
                                             label=e.label[:500], url=e.url[:500], first_seen=today, last_seen=today)
                appeared += 1
            elif row.resolved_on is not None:
                row.resolved_on, row.last_seen, row.label, row.url = None, today, e.label[:500], e.url[:500]
                row.save()
                appeared += 1
            elif touch and row.last_seen != today:
                row.last_seen, row.label = today, e.label[:500]
                row.save()
        for key, row in known.items():
            if key not in current and row.resolved_on is None:
                row.resolved_on = today
                row.save()
                resolved += 1
    return Changes(appeared, resolved)


def evaluate_and_record(organisation: Organisation, *, today: datetime.date, touch: bool = False) -> list[ThemeGroup]:
    groups = evaluate(organisation, today=today)
    record(organisation, groups, today=today, touch=touch)
    return groups
