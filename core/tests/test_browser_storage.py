"""Pages leave no copies of the registers in the browser's storage (ASVS 8.2.2, 8.2.3)."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_htmx_keeps_no_history_snapshots_in_local_storage(org_a, member, login):
    page = login(member(org_a, "coordinator")).get(reverse("inventory:system_list")).content.decode()
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page).group(1))
    # htmx saves a snapshot of every pushed URL in localStorage unless its history cache is 0.
    assert config["historyCacheSize"] == 0
    assert 'hx-push-url="true"' in page
