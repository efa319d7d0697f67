from decimal import Decimal

from django.utils import translation

from kpis.templatetags.kpi_format import figure


def test_a_figure_has_no_trailing_zeros_and_the_swedish_decimal_comma():
    with translation.override("sv"):
        assert figure(Decimal("99.500")) == "99,5"
        assert figure(Decimal("20.000")) == "20"
        assert figure(Decimal("0.125")) == "0,125"
    with translation.override("en"):
        assert figure(Decimal("99.500")) == "99.5"
    assert figure(None) == "–"
