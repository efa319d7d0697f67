"""The legal clocks of an incident, as data and plain functions (no database, no HTTP).

Two regimes run side by side from the moment the organisation became aware of the incident:

* a significant incident under the Cybersecurity Act (cybersäkerhetslag 2025:1506, which
  transposes NIS2, directive (EU) 2022/2555, art. 23): an early warning within 24 hours, an
  incident notification within 72 hours, a final report one month after the notification was
  submitted (a progress report then if handling is still going on, and the final report one
  month after handling ends), intermediate reports on request;
* a personal-data breach (GDPR art. 33): notification to IMY within 72 hours unless the breach
  is unlikely to result in a risk to people, every breach documented (art. 33(5)); a processor
  tells the controller without undue delay (art. 33(2)).

Deadlines are exact instants. Hours are elapsed time, so 24 hours across the night the clocks
change is still 24 hours (the local clock shows 23 or 25 hours later). A month is a calendar
month in Swedish local time: 31 January + one month is the last day of February, at the same
local time of day. Weekends and holidays count: the law's periods are not working days.
"""

import calendar
import datetime
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DATA = Path(__file__).resolve().parent / "data" / "authorities.json"

EARLY_WARNING = "early_warning"
NOTIFICATION = "notification"
INTERMEDIATE = "intermediate"
PROGRESS = "progress"
FINAL = "final"
IMY = "imy"
CONTROLLER = "controller"

NIS2_STAGES = (EARLY_WARNING, NOTIFICATION, INTERMEDIATE, PROGRESS, FINAL)
# A stage that may be submitted more than once (each on the authority's request).
REPEATABLE = frozenset({INTERMEDIATE})
# Clocks that count down until their report is submitted: they are "open" until then.
SOON = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    citation: str
    content: tuple  # what the recipient asks for in this stage's report (see documents.py)


STAGES: dict[str, Stage] = {s.key: s for s in (
    Stage(EARLY_WARNING, _("Early warning"),
          _("Cybersecurity Act (2025:1506) ch. 2; NIS2 art. 23(4)(a): within 24 hours of becoming aware"),
          ("summary", "malicious", "cross_border")),
    Stage(NOTIFICATION, _("Incident notification"),
          _("Cybersecurity Act (2025:1506) ch. 2; NIS2 art. 23(4)(b): within 72 hours of becoming aware"),
          ("severity_impact", "indicators", "malicious", "cross_border")),
    Stage(INTERMEDIATE, _("Intermediate report"),
          _("NIS2 art. 23(4)(c): on request of the CSIRT or the supervisory authority"),
          ("status_update",)),
    Stage(PROGRESS, _("Progress report"),
          _("NIS2 art. 23(4)(e): when the incident is still ongoing one month after the notification"),
          ("status_update", "measures")),
    Stage(FINAL, _("Final report"),
          _("Cybersecurity Act (2025:1506) ch. 2; NIS2 art. 23(4)(d): one month after the incident notification, "
            "or one month after handling ends"),
          ("detailed_description", "root_cause", "measures", "cross_border")),
    Stage(IMY, _("Personal data breach notification to IMY"),
          _("GDPR art. 33(1) and (3): within 72 hours of becoming aware, unless unlikely to result in a risk"),
          ("nature", "data_subject_categories", "data_subjects_approx", "record_categories", "records_approx",
           "contact", "consequences", "measures")),
    Stage(CONTROLLER, _("The controllers informed"),
          _("GDPR art. 33(2): the processor tells the controller without undue delay"), ()),
)}


def add_hours(instant: datetime.datetime, hours: int) -> datetime.datetime:
    """`hours` of elapsed time after `instant` (an aware datetime).

    In UTC: Python adds a timedelta to a datetime by its wall clock, so the same sum in Swedish
    time would be an hour off across a daylight-saving change."""
    return instant.astimezone(datetime.timezone.utc) + datetime.timedelta(hours=hours)


def add_month(instant: datetime.datetime) -> datetime.datetime:
    """One calendar month after `instant`, in Swedish local time.

    The same local time of day on the same day of the next month, or the month's last day when
    it is shorter (31 January → 28 or 29 February). A local time that does not exist that day
    (inside the spring-forward hour) is read as standard time, i.e. one hour later by the clock.
    """
    local = instant.astimezone(STOCKHOLM)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    day = min(local.day, calendar.monthrange(year, month)[1])
    naive = local.replace(tzinfo=None, year=year, month=month, day=day)
    return naive.replace(tzinfo=STOCKHOLM).astimezone(datetime.timezone.utc)


# --- Receiving authorities ---------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    key: str
    name: str
    stages: frozenset
    valid_from: datetime.date
    valid_to: datetime.date | None
    source: str


@lru_cache(maxsize=1)
def authorities() -> tuple[Authority, ...]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple(
        Authority(a["key"], a["name"], frozenset(a["stages"]), datetime.date.fromisoformat(a["valid_from"]),
                  datetime.date.fromisoformat(a["valid_to"]) if a["valid_to"] else None, a["source"])
        for a in raw["authorities"])


def recipient(stage: str, on: datetime.date) -> Authority | None:
    """The authority that receives `stage` on the local date `on` (configuration with validity dates)."""
    for authority in authorities():
        if stage in authority.stages and authority.valid_from <= on and (authority.valid_to is None
                                                                         or on <= authority.valid_to):
            return authority
    return None


# --- The clocks of one case --------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the clocks depend on, read off one organisation's case."""

    aware_at: datetime.datetime
    significant: bool | None  # None: not assessed yet
    breach: bool | None
    breach_notifiable: bool | None  # False: unlikely to result in a risk (the reason is recorded)
    handling_ended_at: datetime.datetime | None = None
    submitted: dict = field(default_factory=dict)  # stage → first submission instant
    processor: bool = False  # the case is the processor's (the IT company's), not the controller's
    controllers_informed_at: datetime.datetime | None = None


OPEN, SOON_DUE, OVERDUE, MET, LATE, PENDING, WAITING = "open", "soon", "overdue", "met", "late", "pending", "waiting"
STATE_LABELS = {
    OPEN: _("Running"), SOON_DUE: _("Due within 24 hours"), OVERDUE: _("Overdue"), MET: _("Submitted on time"),
    LATE: _("Submitted late"), PENDING: _("Running, not yet assessed"), WAITING: _("Due when handling ends"),
}
# States of a clock still waiting for its report.
RUNNING = frozenset({OPEN, SOON_DUE, OVERDUE, PENDING})


@dataclass(frozen=True)
class Clock:
    stage: Stage
    due: datetime.datetime | None
    submitted_at: datetime.datetime | None
    state: str
    provisional: bool = False  # the assessment that makes it apply has not been made yet

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def running(self) -> bool:
        return self.state in RUNNING

    @property
    def due_local(self) -> datetime.datetime | None:
        return self.due.astimezone(STOCKHOLM) if self.due else None

    @property
    def recipient(self) -> Authority | None:
        when = self.submitted_at or self.due
        return recipient(self.stage.key, when.astimezone(STOCKHOLM).date()) if when else None


def _clock(key: str, due, submitted_at, now, *, provisional=False) -> Clock:
    if submitted_at is not None:
        state = LATE if due is not None and submitted_at > due else MET
    elif due is None:
        state = WAITING
    elif now > due:
        state = OVERDUE
    elif provisional:
        state = PENDING
    else:
        left = due.astimezone(datetime.timezone.utc) - now.astimezone(datetime.timezone.utc)
        state = SOON_DUE if left <= SOON else OPEN
    return Clock(STAGES[key], due, submitted_at, state, provisional)


def nis2_clocks(facts: Facts, now: datetime.datetime) -> list[Clock]:
    """The Cybersecurity Act's stages: provisional while significance is unassessed, none when the
    incident was assessed as not significant (the assessment records why, art. 23(3))."""
    if facts.significant is False:
        return []
    provisional = facts.significant is None
    sub = facts.submitted
    clocks = [_clock(EARLY_WARNING, add_hours(facts.aware_at, 24), sub.get(EARLY_WARNING), now,
                     provisional=provisional),
              _clock(NOTIFICATION, add_hours(facts.aware_at, 72), sub.get(NOTIFICATION), now,
                     provisional=provisional)]
    if provisional or NOTIFICATION not in sub:
        return clocks
    month_after = add_month(sub[NOTIFICATION])
    ended = facts.handling_ended_at
    if ended is not None and ended <= month_after:
        clocks.append(_clock(FINAL, month_after, sub.get(FINAL), now))
    else:
        # Still handling a month after the notification: a progress report is due then, the final
        # report one month after handling ends (art. 23(4)(e)).
        clocks.append(_clock(PROGRESS, month_after, sub.get(PROGRESS), now))
        clocks.append(_clock(FINAL, add_month(ended) if ended else None, sub.get(FINAL), now))
    return clocks


def gdpr_clocks(facts: Facts, now: datetime.datetime) -> list[Clock]:
    """GDPR art. 33: the controller notifies IMY; the processor informs its controllers."""
    if facts.breach is False:
        return []
    provisional = facts.breach is None
    if facts.processor:
        if provisional:
            return []
        informed = facts.controllers_informed_at
        return [Clock(STAGES[CONTROLLER], None, informed, MET if informed else OVERDUE)]
    if facts.breach_notifiable is False:
        return []
    return [_clock(IMY, add_hours(facts.aware_at, 72), facts.submitted.get(IMY), now, provisional=provisional)]


def clocks(facts: Facts, now: datetime.datetime) -> list[Clock]:
    return nis2_clocks(facts, now) + gdpr_clocks(facts, now)


def next_due(all_clocks: list[Clock]) -> Clock | None:
    """The running clock that falls due first (what a list shows)."""
    running = [c for c in all_clocks if c.running and c.due is not None]
    return min(running, key=lambda c: c.due) if running else None


def required_open(all_clocks: list[Clock]) -> list[Clock]:
    """Stages that must still be submitted before the case may close (not the provisional ones:
    closing requires the assessments, which settle them)."""
    return [c for c in all_clocks if c.submitted_at is None and c.stage.key != INTERMEDIATE]


# --- Refusals ------------------------------------------------------------------------------------


def check_awareness(aware_at: datetime.datetime, now: datetime.datetime) -> str | None:
    if aware_at > now:
        return str(_("The time you became aware of the incident cannot be in the future."))
    return None


def check_submission(*, stage: str, submitted_at: datetime.datetime, aware_at: datetime.datetime,
                     now: datetime.datetime, already: set) -> tuple[str, str] | None:
    """Why a stage's submission is refused, as (field, message), or None."""
    if stage not in STAGES or stage == CONTROLLER:
        return "stage", str(_("Choose one of the report stages."))
    if submitted_at > now:
        return "submitted_at", str(_("A report cannot be submitted in the future."))
    # Forms give times to the minute: a report in the minute the organisation was told is not early.
    if submitted_at < aware_at.replace(second=0, microsecond=0):
        return "submitted_at", str(_("A report cannot be submitted before the organisation became aware of the "
                                     "incident."))
    if stage in already and stage not in REPEATABLE:
        return "stage", str(_("This stage has already been submitted."))
    if stage in (PROGRESS, FINAL) and NOTIFICATION not in already:
        return "stage", str(_("Submit the incident notification first."))
    return None
