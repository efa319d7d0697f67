"""Issue 13, point 9: the API over its own OpenAPI schema (schemathesis), bounded for CI.

Every operation of /api/openapi.json is called in-process (WSGI, no network) as a coordinator
of a municipality whose register holds a few records, with at most MAX_EXAMPLES generated
cases per operation and a fixed seed, under all of schemathesis's checks: no server error,
status codes, content types and bodies as documented, invalid data refused. Never skipped.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig

from accounts.models import ApiToken
from organisations.roles import Role
from tests.factories import DependencyFactory, InformationTypeFactory, MembershipFactory, OrganisationFactory, UserFactory

MAX_EXAMPLES = 10

# A request the schema allows may still break a rule of the register (a name in use, an owner
# who is not a member, a version that changed): those answers are documented 409 and 422.
CONFIG = SchemathesisConfig.from_dict({
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}},
})
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)


class _Token:
    """The current test's token; schemathesis leaves it out where it tests a missing one."""

    raw = ""


@schema.auth()
class CoordinatorToken:
    def get(self, case, context):
        return _Token.raw

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}", "X-Organisation": "kommun-a"}


@pytest.fixture
def keep_the_test_connection():
    """The WSGI calls must not close the test's database connection.

    Django closes a connection whose autocommit differs from the setting at the end of every
    request, which inside a test's transaction is always: on PostgreSQL the next query then
    fails. Django's test client disconnects the same handlers; schemathesis calls the WSGI
    application directly, so this does it for the test.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_token(db, keep_the_test_connection):
    """A municipality with a little of everything the operations look up, and its coordinator's token."""
    organisation = OrganisationFactory(name="Kommun A", slug="kommun-a")
    user = UserFactory(email="samordnare@kommun-a.example")
    MembershipFactory(user=user, organisation=organisation, role=Role.COORDINATOR)
    DependencyFactory(system__organisation=organisation)
    InformationTypeFactory(organisation=organisation)
    _token, _Token.raw = ApiToken.issue(user=user, name="schemathesis")
    return _Token.raw


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_schema(case, coordinator_token):
    case.call_and_validate()
