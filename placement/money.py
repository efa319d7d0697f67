"""Money as Swedish writes it: exactly on pages ("12 345,50 kr"), rounded where a document
presents it so ("50 tkr", "2,0 mnkr", "950 kr"). Units through gettext.

Amounts are kept to the öre (DecimalField, two decimals) and the API gives them as they are;
only `sek` and `thousands` round, for documents, charts and the sentences of a verdict.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import pgettext


def _number(value: Decimal, places: int) -> str:
    return number_format(value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP), decimal_pos=places,
                         use_l10n=True, force_grouping=True)


def exact(amount: Decimal) -> str:
    """An amount to the öre, as a page shows it: "12 345,50 kr"."""
    return f"{_number(Decimal(amount), 2)}\u00a0{pgettext('currency unit', 'SEK')}"


def sek(amount: Decimal) -> str:
    """An amount in the unit a Swedish document would use: kronor below 10 000, thousands
    (tkr) below a million, millions with one decimal (mnkr) above."""
    amount = Decimal(amount)
    if abs(amount) < 10_000:
        return f"{_number(amount, 0)} {pgettext('currency unit', 'SEK')}"
    if abs(amount) < 1_000_000:
        return f"{_number(amount / 1000, 0)} {pgettext('currency unit, thousands', 'kSEK')}"
    return f"{_number(amount / 1_000_000, 1)} {pgettext('currency unit, millions', 'MSEK')}"


def thousands(amount: Decimal) -> str:
    """An amount in whole thousands for a table headed "tkr" ("667" for 666 667)."""
    return _number(Decimal(amount) / 1000, 0)


def thousands_unit() -> str:
    return pgettext("currency unit, thousands", "kSEK")


def percent(value: Decimal | None, places: int = 1) -> str:
    """99.9 → "99,9 %" in Swedish (a space before the per cent sign, as Swedish writes it)."""
    if value is None:
        return "–"
    return f"{_number(Decimal(value), places)}\u00a0%"
