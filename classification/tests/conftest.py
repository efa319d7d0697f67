"""Fixtures for the classification tests: Kommun A's people by role, and a way to classify."""

import pytest
from django.conf import settings
from django.utils import translation

from classification import services
from classification.questionnaire import QUESTIONS
from core.tenancy import tenant_for
from tests.factories import InformationTypeFactory, SystemFactory

# A complete set of answers that raises nothing above the lowest level.
LOWEST = {q.id: (False if q.kind == "yes_no" else ["none"] if q.kind == "multi" else q.options[0][0])
          for q in QUESTIONS}


@pytest.fixture(autouse=True)
def english(client):
    """Messages and pages in English (the msgids), whatever the Swedish catalogue holds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def tenant_of(org_a, member):
    """tenant_of(role) → the Tenant of a new member of Kommun A with that role."""
    made = {}

    def make(role="coordinator"):
        if role not in made:
            made[role] = tenant_for(member(org_a, role), org_a.pk)
        return made[role]

    return make


@pytest.fixture
def info(org_a, tenant_of):
    """An information type held by a system that the fixture's system owner owns (who may approve)."""
    information_type = InformationTypeFactory(organisation=org_a, name="Socialtjänstakter")
    system = SystemFactory(organisation=org_a, name="Verksamhetssystem", owner=tenant_of("system_owner").user)
    system.information_types.add(information_type)
    return information_type


@pytest.fixture
def classify(tenant_of):
    """classify(info, **answers) → a saved draft with LOWEST answers, changed by `answers`."""

    def make(information_type, *, tenant=None, overrides=None, **answers):
        return services.classification_save(tenant=tenant or tenant_of("coordinator"), information_type=information_type,
                                            answers={**LOWEST, **answers}, reasoning={}, overrides=overrides)

    return make
