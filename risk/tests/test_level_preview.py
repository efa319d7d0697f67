"""The risk form's live level: the fragment for a matrix cell, computed as the register computes it."""

import pytest
from django.urls import reverse

from risk import services


def _preview(client, kind, likelihood, consequence):
    return client.get(reverse("risk:level_preview"),
                      {"kind": kind, f"{kind}_likelihood": likelihood, f"{kind}_consequence": consequence})


@pytest.mark.parametrize("cell_case,expected", [
    ((1, 2), '<span class="risk-level risk-level-low">Låg <span class="risk-score">(2)</span></span>'),
    ((2, 2), '<span class="risk-level risk-level-medium">Medel <span class="risk-score">(4)</span></span>'),
    ((2, 4), '<span class="risk-level risk-level-high">Hög <span class="risk-score">(8)</span></span>'),
    ((3, 4), '<span class="risk-level risk-level-very_high">Mycket hög <span class="risk-score">(12)</span></span>'),
])
def test_the_default_matrix_cell_gives_its_level_in_swedish(cell_case, expected, people, login):
    response = _preview(login(people["coordinator"]), "residual", *cell_case)
    assert response.status_code == 200
    assert response.content.decode().strip() == expected


def test_the_organisations_own_thresholds_decide_the_level(people, login, as_role):
    matrix = services.matrix_ensure(tenant=as_role("admin"))
    matrix.medium_from, matrix.high_from, matrix.very_high_from = 2, 3, 4
    matrix.save()
    content = _preview(login(people["coordinator"]), "inherent", 1, 2).content.decode()
    assert "risk-level-medium" in content


@pytest.mark.parametrize("value_case", ["", "9", "x", "0"])
def test_a_step_outside_the_scale_is_not_assessed(value_case, people, login):
    content = _preview(login(people["coordinator"]), "inherent", value_case, "2").content.decode()
    assert "Ej bedömt" in content and "risk-level-" not in content


def test_the_form_shows_the_saved_level_and_asks_for_it_as_the_steps_change(make_risk, people, login):
    risk = make_risk("Avbrott", inherent=(3, 4), residual=(1, 2))
    page = login(people["coordinator"]).get(reverse("risk:risk_edit", args=[risk.pk])).content.decode()
    assert '<output id="inherent-level" aria-live="polite"><span class="risk-level risk-level-very_high">' in page
    assert '<output id="residual-level" aria-live="polite"><span class="risk-level risk-level-low">' in page
    assert f'hx-get="{reverse("risk:level_preview")}"' in page
    assert 'hx-include="[name=residual_likelihood],[name=residual_consequence]"' in page
    # The steps are chosen from the scale by name, not typed.
    assert '<option value="3" selected>3 – Sannolik</option>' in page


def test_a_reader_may_not_ask(people, login):
    assert _preview(login(people["reader"]), "inherent", 1, 1).status_code == 403
