"""ISO 3166-1 alpha-2 country codes with names in the active language (from pycountry)."""

import gettext
from functools import lru_cache

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CODES = frozenset(c.alpha_2 for c in pycountry.countries)
# EU and EEA member states: transfers among them need no chapter V basis (GDPR art. 44).
EEA = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)


@lru_cache(maxsize=4)
def _names(language: str) -> dict[str, str]:
    try:
        trans = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        translate = trans.gettext
    except OSError:
        translate = str
    return {c.alpha_2: translate(c.name) for c in pycountry.countries}


def country_name(code: str) -> str:
    return _names((get_language() or "sv")[:2]).get(code, code)


def country_choices() -> list[tuple[str, str]]:
    names = _names((get_language() or "sv")[:2])
    return sorted(names.items(), key=lambda item: item[1])


def parse_country_codes(text: str) -> list[str]:
    """'se, IE' → ['IE', 'SE']; raises ValidationError naming unknown codes."""
    codes = sorted({part.strip().upper() for part in text.replace(";", ",").split(",") if part.strip()})
    unknown = [c for c in codes if c not in CODES]
    if unknown:
        raise ValidationError(
            _("Unknown country code: %(codes)s. Use ISO 3166 codes such as SE, IE or US.") % {"codes": ", ".join(unknown)}
        )
    return codes


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    """{casefolded name in Swedish or English, or code: code}: how an imported cell names a country."""
    found = {code.casefold(): code for code in CODES}
    for language in ("en", "sv"):
        found.update({name.casefold(): code for code, name in _names(language).items()})
    return found


def parse_countries(text: str) -> list[str]:
    """Countries named in a cell, by code or by name, separated by ";" (or "," between codes):
    'Sverige; Irland' or 'SE, IE' → ['IE', 'SE']; raises ValidationError naming the unknown."""
    known, codes, unknown = _by_name(), set(), []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if part.casefold() in known:
            codes.add(known[part.casefold()])
            continue
        for piece in (p.strip() for p in part.split(",") if p.strip()):
            if piece.casefold() in known:
                codes.add(known[piece.casefold()])
            else:
                unknown.append(piece)
    if unknown:
        raise ValidationError(_("Unknown country: %(names)s. Name the country (Sverige, Irland) or give its ISO 3166 "
                                "code (SE, IE).") % {"names": ", ".join(unknown)})
    return sorted(codes)


def _choices_with_empty() -> list[tuple[str, str]]:
    return [("", "–")] + country_choices()


UNKNOWN_COUNTRY = gettext_lazy("%(value)s is not a country in the list: choose the country by its name.")


class CountryField(forms.ChoiceField):
    """One country picked by its name (in the reader's language); the ISO code is stored."""

    default_error_messages = {"invalid_choice": UNKNOWN_COUNTRY}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=_choices_with_empty, **kwargs)


class CountriesField(forms.MultipleChoiceField):
    """Countries ticked by their names; cleaned to a sorted list of ISO codes."""

    widget = forms.CheckboxSelectMultiple(attrs={"class": "country-list"})
    default_error_messages = {"invalid_choice": UNKNOWN_COUNTRY}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=country_choices, **kwargs)

    def clean(self, value):
        return sorted(set(super().clean(value)))
