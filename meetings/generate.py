"""Generated meetings for the scale data set: ~2 000 at scale 1 with attendees, agendas and decisions."""

import datetime

from django.utils import timezone

from demo.generated import insert
from meetings.models import AgendaItem, Attendee, Decision, Meeting, MeetingKind, MeetingStatus
from organisations.models import Organisation

MEETINGS_AT_SCALE_1 = 2000
KINDS = [MeetingKind.OPERATIONS, MeetingKind.CAB, MeetingKind.CAB, MeetingKind.ORDERS, MeetingKind.COUNCIL]
TITLES = {MeetingKind.OPERATIONS: "Driftmöte", MeetingKind.CAB: "CAB-möte", MeetingKind.ORDERS: "UB-möte",
          MeetingKind.COUNCIL: "Kundråd IT", MeetingKind.PRE_MEETING: "Förmöte inför kundråd"}
AGENDA = ["Ärendelogg och handläggningstider", "Ändringar för godkännande", "Uppföljning av beställningar",
          "Leveransuppföljning", "Informationssäkerhet", "Övriga frågor"]


def generate(*, organisations, rng, scale) -> dict[str, int]:
    counts: dict[str, int] = {}
    companies = list(Organisation.objects.filter(customers__in=organisations).distinct().order_by("pk"))
    if not companies:
        return counts
    wanted = set(o.pk for o in organisations)
    served = {c.pk: [o for o in c.customers.order_by("pk") if o.pk in wanted] for c in companies}
    total = max(1, int(MEETINGS_AT_SCALE_1 * scale))
    now = timezone.now()
    meetings, addressed = [], []
    for n in range(total):
        company = companies[n % len(companies)]
        customers = served[company.pk]
        if not customers:
            continue
        kind = KINDS[n % len(KINDS)]
        start = (now - datetime.timedelta(days=rng.randint(-60, 700))).replace(minute=0, second=0, microsecond=0)
        past = start < now
        status = (MeetingStatus.APPROVED if past and rng.random() < 0.85 else MeetingStatus.HELD if past
                  else MeetingStatus.PLANNED)
        meetings.append(Meeting(
            organisation=company, kind=kind, title=f"{TITLES[kind]} {timezone.localtime(start):%Y-%m-%d}",
            starts_at=start, ends_at=start + datetime.timedelta(hours=1), location="Teams", status=status,
            minutes="Ärendeloggen och föreslagna ändringar gicks igenom." if past else "",
            minutes_approved_at=start + datetime.timedelta(days=3) if status == MeetingStatus.APPROVED else None))
        addressed.append(rng.sample(customers, k=min(len(customers), rng.randint(1, 4))))
    insert(Meeting, meetings, counts)
    through = Meeting.shared_with.through
    through.objects.bulk_create([through(meeting_id=m.pk, organisation_id=o.pk)
                                 for m, orgs in zip(meetings, addressed) for o in orgs], batch_size=1000)
    attendees, agenda, decisions = [], [], []
    for m, orgs in zip(meetings, addressed):
        attendees.append(Attendee(organisation_id=m.organisation_id, meeting=m, name="Tjänsteansvarig",
                                  role_title="Tjänsteansvarig"))
        for o in orgs[:2]:
            attendees.append(Attendee(organisation_id=m.organisation_id, meeting=m, represents=o,
                                      name=f"Digitaliseringschef, {o.name}", role_title="Digitaliseringschef",
                                      present=rng.random() < 0.9))
        for p in range(1, rng.randint(2, 4) + 1):
            agenda.append(AgendaItem(organisation_id=m.organisation_id, meeting=m, position=p,
                                     title=AGENDA[(p + m.pk) % len(AGENDA)]))
        if m.status != MeetingStatus.PLANNED:
            decisions.append(Decision(organisation_id=m.organisation_id, meeting=m, number=1,
                                      text="Mötet beslutade enligt förslaget."))
    insert(Attendee, attendees, counts)
    insert(AgendaItem, agenda, counts)
    insert(Decision, decisions, counts)
    return counts
