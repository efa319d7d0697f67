"""The rules of change management, as plain functions (no database, no HTTP).

Sources: the second seed (3.4, observation 4.5) and good practice for change enablement (ITIL 4
"Change enablement"; ISO/IEC 27001:2022 Annex A 8.32 Change management and 5.3 Segregation of
duties): a change proceeds for an organisation only once that organisation approved it, an
emergency change may proceed before the CAB and is reviewed at the next one, and development,
test and deployment are done by different people as the risk of the change demands.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from changes.models import APPROVING, Kind, Level, Separation, StepKind

SCALE = range(1, 5)  # the change-risk scale: likelihood and consequence of disruption, 1–4


def risk_level(likelihood: int | None, consequence: int | None, *, default: str = Level.MEDIUM) -> str:
    """The level of a change's risk on the 4×4 change-risk scale: the product of likelihood and
    consequence, 1–3 low, 4–8 medium, 9–16 high. Without both values: `default`."""
    if likelihood is None or consequence is None:
        return default
    score = likelihood * consequence
    if score >= 9:
        return Level.HIGH
    if score >= 4:
        return Level.MEDIUM
    return Level.LOW


def check_scale(value: int | None) -> bool:
    return value is None or value in SCALE


def separation_problem(rule: str, kind: str, person_id: int, *, developers: set[int], testers: set[int],
                       deployers: set[int] = frozenset()) -> str | None:
    """Why `person_id` may not do a step of `kind` under `rule`, given who did the others; None when
    they may. ALL_DIFFERENT: developer, tester and deployer are three people; DEVELOPER_NOT_DEPLOYER:
    whoever developed the change does not deploy it; NONE: no requirement."""
    if rule == Separation.ALL_DIFFERENT:
        if kind == StepKind.TEST and person_id in developers:
            return _("The rule for this risk level requires that someone other than the developer tests the change.")
        if kind == StepKind.DEPLOY and person_id in developers:
            return _("The rule for this risk level requires that someone other than the developer deploys the change.")
        if kind == StepKind.DEPLOY and person_id in testers:
            return _("The rule for this risk level requires that someone other than the tester deploys the change.")
        if kind == StepKind.DEVELOP and person_id in testers | deployers:
            return _("The rule for this risk level requires that the developer neither tests nor deploys the change.")
    if rule == Separation.DEVELOPER_NOT_DEPLOYER:
        if kind == StepKind.DEPLOY and person_id in developers:
            return _("The rule for this risk level requires that someone other than the developer deploys the change.")
        if kind == StepKind.DEVELOP and person_id in deployers:
            return _("The rule for this risk level requires that the developer does not deploy the change.")
    return None


def approved_by(*, kind: str, standard_class: str, decision: str | None, standing_classes: set[str]) -> bool:
    """Whether one municipality approved a change: its own decision approves (with or without
    conditions), or the change is a standard change of a class it pre-approved."""
    if decision in APPROVING:
        return True
    return kind == Kind.STANDARD and bool(standard_class) and standard_class.strip().lower() in standing_classes


@dataclass(frozen=True)
class DeployCheck:
    """What stands in the way of deploying a change (empty: nothing)."""

    blockers: list[str]


def deploy_blockers(*, kind: str, rule: str, addressees: dict[int, str], approved: set[int],
                    acceptance_wanted: set[int], acceptance_passed: set[int], developed: bool,
                    tested: bool) -> list[str]:
    """Messages for each reason a change may not be deployed now.

    A change proceeds for a municipality only when that municipality approved it, so it is
    deployed only when every municipality it is addressed to has; each that asked for an
    acceptance test must have passed it first. An emergency change may proceed before the CAB
    (its decisions and tests follow at the next one). Under the rule that all three are
    different people, the change must also have been tested by someone.
    """
    problems = []
    if not developed:
        problems.append(_("Record the development of the change before it is deployed."))
    if rule == Separation.ALL_DIFFERENT and not tested:
        problems.append(_("The rule for this risk level requires a successful test before deployment."))
    if kind != Kind.EMERGENCY:
        missing = sorted(name for pk, name in addressees.items() if pk not in approved)
        if missing:
            problems.append(_("Not every affected municipality has approved the change: %(names)s.")
                            % {"names": ", ".join(missing)})
        untested = sorted(addressees.get(pk, str(pk)) for pk in acceptance_wanted - acceptance_passed)
        if untested:
            problems.append(_("The acceptance test asked for has not passed: %(names)s.") % {"names": ", ".join(untested)})
    return problems


def duties_separated(*, developers: set[int], testers: set[int], deployer: int) -> bool:
    """Whether development, test and deployment were done by different people: someone other
    than the developers tested the change, and neither a developer nor a tester deployed it."""
    return bool(testers - developers) and deployer not in developers and deployer not in testers


def acceptance_met(*, wanted: set[int], passed: set[int]) -> bool | None:
    """None when no municipality asked for an acceptance test, else whether every one that did passed it."""
    if not wanted:
        return None
    return wanted <= passed


def needs_review(*, kind: str, deployed: bool, addressees: set[int], decided: set[int]) -> bool:
    """An emergency change deployed before every affected municipality decided on it is reviewed
    at the next CAB: until each has recorded its decision."""
    return kind == Kind.EMERGENCY and deployed and not addressees <= decided
