"""Small date rules of governing documents: review intervals, next review, how long overdue."""

import calendar
import datetime

from django.utils.translation import ngettext


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole months, kept within the target month (31 January + 1 month = 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole months from `earlier` to `later` (0 when less than a month)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if add_months(earlier, months) > later:
        months -= 1
    return max(months, 0)


def next_review(*, adopted_on, last_reviewed_on, interval_months: int) -> datetime.date | None:
    """The date of the next review: the last review (or the adoption) plus the interval."""
    base = last_reviewed_on or adopted_on
    return add_months(base, interval_months) if base and interval_months else None


def overdue_text(due: datetime.date, today: datetime.date) -> str:
    """How long a review is overdue, for people: "2 years 3 months", "4 months", "12 days"."""
    months = months_between(due, today)
    if months == 0:
        days = (today - due).days
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(ngettext("%(n)d year", "%(n)d years", years) % {"n": years})
    if rest:
        parts.append(ngettext("%(n)d month", "%(n)d months", rest) % {"n": rest})
    return " ".join(parts)
