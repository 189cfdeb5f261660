"""Made-up dossiers for the demo and the benchmarks: applicants, channels and life stories driven
through the real services.

`simulate(desks, count=…, first=…, now=…)` receives `count` dossiers spread over the working hours
between `first` and `now` at the given desks (an agency and its staff) and plays every dossier's
story — counter supplement or refusal, the steps of the pinned internal process, an approval sent
back now and then, a supplement request after appraisal, a consultation, an apology letter with a new
appointment, refusal, stop, withdrawal, result ready, result returned — through `eiso.dossiers.services`
with `at=` moments in the past and the agency's staff as actors. Every action of every dossier is put
in one queue ordered by time and played in that order, so book numbers (form 07), daily serials,
hand-overs, clocks and audit events come out exactly as if the counter had worked through the year.
Actions planned after `now` do not happen: the dossiers they belong to are still open (processing,
waiting for a supplement, result waiting to be collected), some of them close to or past their
deadline; `services.scan(now=…)` then marks those at risk or overdue.

Nothing here is real: names are drawn from common Vietnamese family, middle and given names, phone
numbers and identity numbers are random digits in the right shape.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field

from eiso.accounts import roles
from eiso.calendars import adapter
from eiso.calendars.clock import StepBudget
from eiso.core.errors import DomainError
from eiso.dossiers import services
from eiso.dossiers.models import Dossier, Status, WorkItem, WorkStatus

# --- people ----------------------------------------------------------------------------------------

FAMILY = (
    ["Nguyễn"] * 8
    + ["Trần"] * 3
    + ["Lê"] * 3
    + ["Phạm"] * 2
    + ["Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đào", "Đinh"]
)
MIDDLE_MALE = ["Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Công", "Quốc", "Ngọc", "Duy"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Phương", "Minh", "Hồng", "Thùy", "Kim"]
GIVEN_MALE = (
    "An Bình Cường Dũng Đạt Hải Hiếu Hoàng Hùng Huy Khánh Khoa Lâm Long Mạnh Nam Nghĩa Phong Phúc Quân "
    "Sơn Tài Thắng Thành Tiến Toàn Trung Tuấn Tùng Việt Vinh"
).split()
GIVEN_FEMALE = (
    "Anh Châu Chi Diệp Dung Giang Hà Hạnh Hằng Hiền Hoa Hồng Huệ Hương Lan Liên Linh Loan Mai Ngân "
    "Ngọc Nhung Oanh Phương Quyên Thảo Thủy Trang Uyên Vân Yến"
).split()
STREETS = (
    "Nguyễn Văn Linh|Điện Biên|Bãi Sậy|Chùa Chuông|Phạm Ngũ Lão|Hải Thượng Lãn Ông|Tô Hiệu|Lê Văn Lương|"
    "Nguyễn Thiện Thuật|Trưng Trắc|Bạch Đằng|Triệu Quang Phục|An Vũ|Lê Đình Kiên|Nguyễn Lương Bằng"
).split("|")
VILLAGES = "Đông|Tây|Nam|Bắc|Trung|Thượng|Hạ|An Tảo|Phú Thịnh|Đa Hòa|Xuân Quan|Lạc Hồng|Bình Minh".split("|")
COMPANIES = (
    "Xây dựng Phố Hiến|Thương mại Hưng Long|Nông sản Khoái Châu|May mặc Mỹ Hào|Vận tải Bãi Sậy|"
    "Dịch vụ Minh Phát|Cơ khí Phương Đông|Thực phẩm An Viên|Điện máy Hồng Hà|Gỗ mỹ nghệ Văn Giang"
).split("|")
PHONE_PREFIXES = [
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "086",
    "088",
    "032",
    "033",
    "035",
    "039",
    "070",
]
EMAIL_DOMAINS = ["gmail.com", "gmail.com", "yahoo.com", "outlook.com"]


def person(rng: random.Random) -> tuple[str, bool]:
    male = rng.random() < 0.5
    middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
    given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    return f"{rng.choice(FAMILY)} {middle} {given}", male


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**7):07d}"


def citizen_id(rng: random.Random, male: bool) -> str:
    """12 digits in the shape of a Vietnamese citizen identity number (Hưng Yên code 033)."""
    born = rng.randrange(1950, 2006)
    century = (0 if male else 1) if born < 2000 else (2 if male else 3)
    return f"033{century}{born % 100:02d}{rng.randrange(10**6):06d}"


def address(rng: random.Random, agency_name: str) -> str:
    place = agency_name.replace("Phường ", "phường ").replace("Xã ", "xã ")
    if place.startswith("phường"):
        where = f"Số {rng.randrange(1, 250)}, đường {rng.choice(STREETS)}, tổ dân phố {rng.randrange(1, 18)}"
    else:
        where = f"Thôn {rng.choice(VILLAGES)}"
    return f"{where}, {place}, tỉnh Hưng Yên"


def applicant(rng: random.Random, agency_name: str, organisation: bool = False) -> services.Applicant:
    if organisation:
        name = f"Công ty TNHH {rng.choice(COMPANIES)}"
        return services.Applicant(
            name=name,
            kind="organisation",
            id_number=f"09{rng.randrange(10**8):08d}",
            address=address(rng, agency_name),
            phone=phone(rng),
        )
    name, male = person(rng)
    return services.Applicant(
        name=name,
        kind="person",
        id_number=citizen_id(rng, male),
        address=address(rng, agency_name),
        phone=phone(rng),
    )


# --- who works where --------------------------------------------------------------------------------


@dataclass
class Desk:
    """An agency that receives dossiers and the people who work on them, by role code."""

    agency: object
    staff: dict[str, object]  # role code → user (receiver, officer, agency head at least)
    weight: float = 1.0
    procedures: list = field(default_factory=list)  # procedures with a process in force

    def user_for(self, role_code: str):
        return self.staff.get(role_code) or self.staff[roles.AGENCY_HEAD]


def desk_for(agency, day: datetime.date | None = None, weight: float = 1.0) -> Desk | None:
    """The agency's staff today (first holder of each role) and the procedures it has a process in force
    for on `day` (default today)."""
    from eiso.accounts.models import Membership
    from eiso.procedures.models import Procedure
    from eiso.processes.models import ProcessVersion

    staff: dict[str, object] = {}
    for membership in (
        Membership.objects.active_on()
        .filter(agency=agency, user__is_active=True)
        .select_related("user", "role")
        .order_by("pk")
    ):
        staff.setdefault(membership.role.code, membership.user)
    if roles.AGENCY_HEAD not in staff or roles.RECEIVER not in staff:
        return None
    staff.setdefault(roles.OFFICER, staff[roles.AGENCY_HEAD])
    procedure_ids = set(
        ProcessVersion.objects.in_force(day)
        .filter(process__agency=agency)
        .values_list("procedures", flat=True)
    )
    procedures = list(
        Procedure.objects.filter(pk__in=procedure_ids, current_version__isnull=False)
        .select_related("current_version")
        .prefetch_related("current_version__channels__fees", "current_version__cases__components")
        .order_by("code")
    )
    if not procedures:
        return None
    return Desk(agency=agency, staff=staff, weight=weight, procedures=procedures)


# --- stories ----------------------------------------------------------------------------------------

# (story, weight). Stories decide what happens besides the steps; the clock decides early/on time/late.
STORIES = [
    ("normal", 60.0),
    ("slow", 8.0),  # steps take longer than their budget: settled late
    ("extended", 3.0),  # apology letter and a new appointment (form 04), then settled
    ("sent_back", 4.0),  # the approver does not agree once: appraisal again
    ("consulted", 3.0),  # another body is consulted during appraisal
    ("supplement", 5.0),  # supplement requested after appraisal (form 02), brought later
    ("supplement_abandoned", 1.0),  # … never brought
    ("uncollected", 0.3),  # result ready, never collected
    ("counter_supplement", 3.0),  # form 02 at the counter, completed a few days later
    ("counter_supplement_open", 0.7),  # … not yet completed
    ("counter_refused", 2.0),  # form 03 at the counter
    ("refused", 2.0),  # refused after appraisal (form 03)
    ("stopped", 1.0),  # processing stopped at the applicant's request (form 05)
    ("withdrawn", 1.0),  # the applicant withdraws the dossier
]
REQUIRED_STATES = tuple(Status.values)

NOT_AGREED_NOTES = [
    "Đề nghị thẩm định lại nội dung xác minh nơi cư trú.",
    "Dự thảo kết quả chưa đúng mẫu; đề nghị hoàn thiện lại.",
    "Cần làm rõ thông tin trong tờ khai trước khi trình ký.",
]
SUPPLEMENT_NOTES = [
    "Bản sao giấy khai sinh có chứng thực",
    "Giấy xác nhận thông tin về cư trú",
    "Bản chính giấy tờ chứng minh quyền sử dụng đất",
    "Văn bản ủy quyền có chứng thực",
    "Ảnh chụp hiện trạng công trình",
]
REFUSAL_REASONS = [
    "Hồ sơ không đủ điều kiện theo quy định của pháp luật.",
    "Nội dung đề nghị không thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã.",
    "Kết quả xác minh không khớp với thông tin người nộp kê khai.",
]
COUNTER_REFUSALS = [
    "Thủ tục không thuộc thẩm quyền tiếp nhận của cơ quan; hướng dẫn nộp tại Sở Tư pháp.",
    "Người nộp không xuất trình được giấy tờ tùy thân.",
]
CLOSE_REASONS = [
    "Người nộp có đơn đề nghị dừng giải quyết để bổ sung thông tin.",
    "Người nộp đề nghị rút hồ sơ, sẽ nộp lại sau.",
    "Người nộp đã chuyển nơi cư trú, đề nghị dừng giải quyết.",
]
EXTENSION_REASONS = [
    "Cần xác minh thêm thông tin tại nơi cư trú trước đây của người nộp.",
    "Chờ ý kiến của cơ quan có liên quan.",
]
CONSULTED = ["Công an phường", "Phòng Kinh tế, Hạ tầng và Đô thị", "Ủy ban nhân dân xã nơi cư trú trước đây"]


@dataclass
class Story:
    number: int
    desk: Desk
    kind: str
    speed: float  # share of each step's budget used (above 1: late)
    applicant: services.Applicant
    procedure: object
    channel: str
    dossier_id: int | None = None
    parent: WorkItem | None = None  # the step waiting for a consultation's answer
    sent_back: bool = False
    consulted: bool = False
    asked: bool = False  # supplement requested already
    extended: bool = False
    ended: bool = False


@dataclass
class Summary:
    dossiers: int = 0
    actions: int = 0
    skipped: int = 0  # actions planned after `now`
    refused_actions: Counter = field(default_factory=Counter)  # DomainErrors the story ran into
    states: Counter = field(default_factory=Counter)
    stories: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def _limit_days(procedure) -> float:
    """Legal time limit of the in-person channel in working days (0 when not stated)."""
    for row in procedure.current_version.channels.all():
        if row.time_value is not None:
            value = float(row.time_value)
            return value / 8 if row.time_unit == "working_hours" else value
    return 0.0


def _working_moment(calendar, day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A moment within the counter's hours on `day` (morning more likely than afternoon)."""
    start = calendar.next_working_moment(
        datetime.datetime.combine(day, datetime.time(7, 30), tzinfo=calendar.tz)
    )
    hours = rng.choice([0.2, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4.2, 4.8, 5.5, 6.5]) + rng.randrange(0, 15) / 60
    return StepBudget(calendar, hours).due(start).replace(second=0, microsecond=0)


def _later(calendar, start: datetime.datetime, hours: float) -> datetime.datetime:
    """`hours` working hours after `start` (at least a few minutes), on the agency's calendar."""
    moment = StepBudget(calendar, max(hours, 0.05)).due(start)
    return max(moment, start + datetime.timedelta(minutes=3)).replace(microsecond=0)


class Simulation:
    def __init__(self, desks: list[Desk], *, seed: int, now: datetime.datetime, stdout=None):
        self.desks = desks
        self.rng = random.Random(seed)
        self.now = now.replace(microsecond=0)
        self.queue: list = []
        self.counter = itertools.count()
        self.summary = Summary()
        self.stdout = stdout

    # queue ----------------------------------------------------------------------------------------
    def plan(self, when: datetime.datetime, story: Story, action: str, **kw) -> None:
        if when > self.now:
            self.summary.skipped += 1
            return
        heapq.heappush(self.queue, (when, next(self.counter), story, action, kw))

    def calendar(self, story: Story):
        return adapter.calendar_for(story.desk.agency)

    # stories --------------------------------------------------------------------------------------
    def stories(self, count: int, first: datetime.datetime) -> list[Story]:
        rng = self.rng
        kinds = [k for k, _w in STORIES]
        weights = [w for _k, w in STORIES]
        # Every story at least once (tests and small runs see every state), the rest by weight.
        drawn = kinds[: min(count, len(kinds))] + rng.choices(kinds, weights, k=max(0, count - len(kinds)))
        rng.shuffle(drawn)
        total = sum(d.weight for d in self.desks)
        stories = []
        span_days = (self.now.date() - first.date()).days
        for number, kind in enumerate(drawn):
            desk = rng.choices(self.desks, [d.weight / total for d in self.desks])[0]
            procedure = rng.choice(desk.procedures)
            if kind == "extended":  # an apology needs a limit of several days
                longer = [p for p in desk.procedures if _limit_days(p) >= 3]
                procedure = rng.choice(longer or desk.procedures)
            organisation = rng.random() < 0.08
            stories.append(
                Story(
                    number=number,
                    desk=desk,
                    kind=kind,
                    speed=(
                        rng.uniform(1.4, 3.0)
                        if kind == "slow"
                        else rng.uniform(1.6, 2.4)
                        if kind == "extended"
                        else rng.triangular(0.15, 1.15, 0.5)
                    ),
                    applicant=applicant(rng, desk.agency.name, organisation),
                    procedure=procedure,
                    channel=self._channel(procedure),
                )
            )
        # Reception days: spread over the period, a little busier towards the present; the last few
        # dossiers of every desk come in during the last working days, so inboxes are never empty.
        recent = max(3, count // 40)
        ongoing = [s for s in stories if s.kind in ("normal", "slow", "sent_back")][:recent]
        for story in stories:
            cal = self.calendar(story)
            if story in ongoing:
                back = rng.randrange(0, 3)
            else:
                back = int(span_days * (1 - rng.random() ** 0.85))
            day = self.now.date() - datetime.timedelta(days=back)
            moment = _working_moment(cal, day, rng)
            if moment > self.now:  # today, later than now: earlier today or the previous working day
                moment = _working_moment(cal, day - datetime.timedelta(days=1), rng)
                while moment > self.now:
                    day -= datetime.timedelta(days=1)
                    moment = _working_moment(cal, day, rng)
            self.plan(moment, story, "receive")
        return stories

    def _channel(self, procedure) -> str:
        offered = [c.channel for c in procedure.current_version.channels.all()] or ["direct"]
        r = self.rng.random()
        wish = "direct" if r < 0.55 else "online" if r < 0.93 else "postal"
        return wish if wish in offered else offered[0]

    # the run --------------------------------------------------------------------------------------
    def run(self) -> Summary:
        import time

        started = time.perf_counter()
        while self.queue:
            when, _n, story, action, kw = heapq.heappop(self.queue)
            if story.ended and action != "receive":
                continue
            try:
                getattr(self, f"do_{action}")(story, when, **kw)
                self.summary.actions += 1
            except DomainError as exc:  # a rule refused what the story wanted: the story ends there
                self.summary.refused_actions[f"{action}: {exc.code or exc}"] += 1
                if self.stdout is not None and sum(self.summary.refused_actions.values()) <= 5:
                    self.stdout.write(f"    ({story.kind}/{action}: {exc})")
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def do_receive(self, story: Story, when) -> None:
        desk, rng = story.desk, self.rng
        self.summary.dossiers += 1
        self.summary.stories[story.kind] += 1
        version = story.procedure.current_version
        case = next(iter(version.cases.all()), None)
        lines = [
            services.ComponentLine(
                name=c.name[:500], original=bool(c.originals), quantity=max(1, c.originals + c.copies)
            )
            for c in (case.components.all() if case else [])
        ][:8] or [services.ComponentLine(name="Tờ khai theo mẫu", original=True)]
        outcome, missing, refusal = "received", "", ""
        if story.kind.startswith("counter_supplement"):
            outcome = "supplement"
            lines[-1].received = False
            missing = rng.choice(SUPPLEMENT_NOTES)
        elif story.kind == "counter_refused":
            outcome, refusal = "refused", rng.choice(COUNTER_REFUSALS)
        if story.channel == "online" and story.applicant.kind == "person" and rng.random() < 0.6:
            story.applicant.email = f"{story.applicant.phone}@{rng.choice(EMAIL_DOMAINS)}"
        dossier = services.receive(
            actor=desk.user_for(roles.RECEIVER),
            agency=desk.agency,
            procedure=story.procedure,
            channel=story.channel,
            applicant=story.applicant,
            components=lines,
            outcome=outcome,
            case_name=case.name if case else "",
            missing_note=missing,
            refusal_reason=refusal,
            at=when,
        )
        story.dossier_id = dossier.pk
        cal = self.calendar(story)
        if story.kind == "extended":  # the head sees at once that the time will not do
            self.plan(_later(cal, when, rng.uniform(0.5, 3)), story, "extend")
        if outcome == "supplement":
            if story.kind == "counter_supplement":
                self.plan(_later(cal, when, rng.uniform(4, 40)), story, "receive_completed")
            return
        if outcome == "refused":
            story.ended = True
            return
        self.follow(story, self.open_items(story))

    def do_receive_completed(self, story: Story, when) -> None:
        services.receive_completed(
            actor=story.desk.user_for(roles.RECEIVER), dossier=Dossier(pk=story.dossier_id), at=when
        )
        self.follow(story, self.open_items(story))

    def follow(self, story: Story, items) -> None:
        """Plan an action for each of `items` (work items just opened)."""
        cal = self.calendar(story)
        for item in items:
            self.plan_item(story, item, cal)

    def open_items(self, story: Story) -> list[WorkItem]:
        return list(
            WorkItem.objects.filter(dossier_id=story.dossier_id, status=WorkStatus.OPEN).order_by("pk")
        )

    def plan_item(self, story: Story, item: WorkItem, cal) -> None:
        rng, kind = self.rng, story.kind
        hours = float(item.allotted_hours)
        use = hours * story.speed * rng.uniform(0.8, 1.2)
        if item.kind == "return_to_applicant":
            if kind == "uncollected":
                return
            wait = rng.choice([0.1, 0.25, 0.5, 0.75, 1, 2, 8])  # most come for it the same day
            self.plan(_later(cal, item.started_at, wait), story, "return", item=item)
            return
        if item.parent_id is not None:
            self.plan(_later(cal, item.started_at, hours * rng.uniform(0.3, 0.9)), story, "answer", item=item)
            return
        officer_step = item.role_code == roles.OFFICER and item.kind == "task"
        if officer_step and kind in ("supplement", "supplement_abandoned") and not story.asked:
            story.asked = True
            self.plan(_later(cal, item.started_at, min(hours * 0.5, 6)), story, "ask_supplement", item=item)
            return
        if officer_step and kind == "refused":
            self.plan(_later(cal, item.started_at, hours * 0.6), story, "refuse")
            return
        if officer_step and kind in ("stopped", "withdrawn"):
            action = {"stopped": "stop", "withdrawn": "withdraw"}[kind]
            self.plan(_later(cal, item.started_at, hours * 0.4), story, action)
            return
        if officer_step and kind == "consulted" and not story.consulted:
            story.consulted = True
            self.plan(_later(cal, item.started_at, hours * 0.3), story, "consult", item=item)
            return
        outcome = "done"
        if item.kind == "approval":
            outcome = "agreed"
            if kind == "sent_back" and not story.sent_back:
                outcome = "not_agreed"
                story.sent_back = True
        self.plan(_later(cal, item.started_at, use), story, "complete", item=item, outcome=outcome)

    def _actor_for(self, story: Story, item: WorkItem):
        if item.assignee_id is not None:
            return item.assignee
        return story.desk.user_for(item.role_code)

    def do_complete(self, story: Story, when, item: WorkItem, outcome: str) -> None:
        note = self.rng.choice(NOT_AGREED_NOTES) if outcome == "not_agreed" else ""
        opened = services.complete_step(
            actor=self._actor_for(story, item),
            item=item,
            outcome=outcome,
            note=note,
            result_number=f"{self.rng.randrange(1, 999)}/{when:%Y}/KQ",
            at=max(when, item.started_at),
        )
        self.follow(story, opened)

    def do_return(self, story: Story, when, item: WorkItem) -> None:
        method = {"online": "online", "postal": "postal"}.get(story.channel, "counter")
        services.complete_step(
            actor=self._actor_for(story, item),
            item=item,
            returned_to=story.applicant.name,
            return_method=method,
            at=max(when, item.started_at),
        )
        story.ended = True

    def do_ask_supplement(self, story: Story, when, item: WorkItem) -> None:
        officer = self._actor_for(story, item)
        if item.assignee_id is None:
            services.claim(actor=officer, item=item)
        services.request_supplement(
            actor=officer,
            dossier=Dossier(pk=story.dossier_id),
            missing_note=self.rng.choice(SUPPLEMENT_NOTES),
            at=when,
        )
        if story.kind == "supplement":
            back = _later(self.calendar(story), when, self.rng.uniform(6, 60))
            self.plan(back, story, "supplement_received")
        else:
            story.ended = True

    def do_supplement_received(self, story: Story, when) -> None:
        services.supplement_received(
            actor=story.desk.user_for(roles.RECEIVER),
            dossier=Dossier(pk=story.dossier_id),
            note="Người nộp đã bổ sung đủ giấy tờ.",
            at=when,
        )
        self.follow(story, self.open_items(story))

    def do_consult(self, story: Story, when, item: WorkItem) -> None:
        officer = self._actor_for(story, item)
        if item.assignee_id is None:
            item = services.claim(actor=officer, item=item)
        child = services.consult(
            actor=officer,
            item=item,
            body=self.rng.choice(CONSULTED),
            hours=8,
            note="Đề nghị cho ý kiến",
            at=when,
        )
        story.parent = item
        self.follow(story, [child])

    def do_answer(self, story: Story, when, item: WorkItem) -> None:
        services.answer_consultation(
            actor=self._actor_for(story, item),
            item=item,
            note="Thống nhất với đề nghị; không có ý kiến khác.",
            at=when,
        )
        parent = story.parent
        # the step goes on from the answer
        self.plan(
            _later(self.calendar(story), when, float(parent.allotted_hours) * 0.3),
            story,
            "complete",
            item=parent,
            outcome="done",
        )

    def do_extend(self, story: Story, when) -> None:
        if story.ended or story.asked:
            return
        story.extended = True
        services.extend(
            actor=story.desk.user_for(roles.AGENCY_HEAD),
            dossier=Dossier(pk=story.dossier_id),
            extra_working_days=self.rng.choice([2, 3, 5]),
            reason=self.rng.choice(EXTENSION_REASONS),
            at=when,
        )

    def do_refuse(self, story: Story, when) -> None:
        services.refuse(
            actor=story.desk.user_for(roles.AGENCY_HEAD),
            dossier=Dossier(pk=story.dossier_id),
            reason=self.rng.choice(REFUSAL_REASONS),
            at=when,
        )
        story.ended = True

    def do_stop(self, story: Story, when) -> None:
        services.stop(
            actor=story.desk.user_for(roles.RECEIVER),
            dossier=Dossier(pk=story.dossier_id),
            reason=self.rng.choice(CLOSE_REASONS[:1] + CLOSE_REASONS[2:]),
            at=when,
        )
        story.ended = True

    def do_withdraw(self, story: Story, when) -> None:
        services.withdraw(
            actor=story.desk.user_for(roles.RECEIVER),
            dossier=Dossier(pk=story.dossier_id),
            reason=CLOSE_REASONS[1],
            at=when,
        )
        story.ended = True


def simulate(
    desks: list[Desk],
    *,
    count: int,
    first: datetime.datetime,
    now: datetime.datetime,
    seed: int = 20261123,
    scan: bool = True,
    notify: bool = True,
    stdout=None,
) -> Summary:
    """Receive `count` dossiers between `first` and `now` at `desks` and play their stories up to `now`."""
    simulation = Simulation(desks, seed=seed, now=now, stdout=stdout)
    simulation.stories(count, first)
    summary = simulation.run()
    if scan:
        services.scan(now=now, notify=notify)
    summary.states = Counter(Dossier.objects.values_list("status", flat=True))
    return summary
