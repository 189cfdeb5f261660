"""Demo dossiers over the past year at the twelve demo communes and wards of Hưng Yên, played through
the services by `eiso.dossiers.generator` (see there for the stories): 5,000 by default, a year's
volume for twelve communes.

Every dossier goes through the real services (`at=` in the past): about 6 actions per dossier and
~8 ms of CPU per action on the 2-CPU development machine, so 5,000 dossiers take about 4 minutes
(measured figures in docs/benchmarks.md, "Hồ sơ / Dossiers"). Set `EISO_DEMO_DOSSIERS=1500` for a
quicker demo (about 70 s), `0` for none (the setting of the same name is the default; the test
settings use 0 and the browser journeys that need dossiers set their own number).

Phường Phố Hiến, where the demo users work, gets about one dossier in three, so motcua.phohien,
canbo.phohien and chutich.phohien each find a handful of open items in their inbox, a few of them
overdue. The other communes have no demo accounts: each gets three staff members (receiver, officer,
chairman) without a password — they cannot log in, they only sign the hand-overs of their dossiers.

Idempotent: nothing happens when any dossier exists.
"""

import datetime
import os
import time

from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

from eiso.accounts import roles
from eiso.accounts import services as accounts
from eiso.accounts.models import User
from eiso.core.text import vi_fold
from eiso.dossiers import generator
from eiso.dossiers.models import Dossier, WorkItem
from eiso.organizations.models import Agency, AgencyKind

DEFAULT_COUNT = 5000  # see the module docstring: about 4 minutes through the services
WARD = "11980"  # Phường Phố Hiến: the demo users' ward
WARD_WEIGHT = 5.0  # ~ 1 dossier in 3 (eleven other communes at 1.0): the demo users have work
# Usernames of the staff made for the other communes (core's demo test counts the demo's users).
STAFF = [
    ("motcua", roles.RECEIVER, "Công chức tiếp nhận một cửa"),
    ("canbo", roles.OFFICER, "Công chức chuyên môn"),
    ("chutich", roles.AGENCY_HEAD, "Chủ tịch UBND"),
]


def _slug(agency: Agency) -> str:
    name = agency.name.removeprefix("Phường ").removeprefix("Xã ")
    return vi_fold(name).replace(" ", "")


def _ensure_staff(agency: Agency, rng) -> None:
    """Three staff members for a commune that has none (no password: they cannot log in)."""
    slug = _slug(agency)
    for prefix, role_code, position in STAFF:
        if agency.memberships.filter(role__code=role_code).exists():
            continue
        username = f"{prefix}.{slug}"
        if User.objects.filter(username=username).exists():
            continue
        name, _male = generator.person(rng)
        accounts.create_user(
            actor=None,
            username=username,
            full_name=name,
            position=position,
            agency=agency,
            role_code=role_code,
        )


def load(stdout) -> list:
    if Dossier.objects.exists():
        return []
    import random

    count = int(
        os.environ.get("EISO_DEMO_DOSSIERS") or getattr(settings, "EISO_DEMO_DOSSIERS", DEFAULT_COUNT)
    )
    if count <= 0:
        return []
    rng = random.Random(6)
    communes = Agency.objects.filter(
        kind__in=(AgencyKind.WARD, AgencyKind.COMMUNE),
        electronic_id__gt="",
        path__startswith=_hung_yen_path(),
    ).order_by("path")
    desks = []
    for agency in communes:
        _ensure_staff(agency, rng)
        desk = generator.desk_for(agency, weight=WARD_WEIGHT if agency.admin_code == WARD else 1.0)
        if desk is not None:
            desks.append(desk)
    if not desks:
        return []
    now = timezone.now()
    stdout.write(f"  hồ sơ TTHC: đang tạo {count} hồ sơ qua các service (khoảng {count * 50 // 1000} giây)…")
    started = time.perf_counter()
    # The demo staff's addresses are not real: the overdue warnings' e-mails stay in memory instead of
    # filling the terminal; their in-app notifications (the bell) are kept.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        summary = generator.simulate(desks, count=count, first=now - datetime.timedelta(days=365), now=now)
    seconds = time.perf_counter() - started
    states = ", ".join(f"{k} {v}" for k, v in sorted(summary.states.items()))
    stdout.write(
        f"  hồ sơ TTHC: {summary.dossiers} hồ sơ tại {len(desks)} xã/phường, {summary.actions} thao tác "
        f"qua các service trong {seconds:.0f} s ({states})"
    )
    if summary.refused_actions:  # a story the rules refused: shown, so a change in the rules is noticed
        stdout.write(f"    thao tác bị từ chối: {dict(summary.refused_actions)}")
    ward = next((d for d in desks if d.agency.admin_code == WARD), None)
    if ward is not None:
        for username in ("motcua.phohien", "canbo.phohien", "chutich.phohien"):
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            inbox = WorkItem.objects.inbox_of(user)
            stdout.write(
                f"    việc của {username}: {inbox.count()} việc, {inbox.filter(risk='overdue').count()} quá hạn"
            )
    return []


def _hung_yen_path() -> str:
    province = Agency.objects.filter(kind=AgencyKind.PROVINCE, admin_code="33").first()
    return province.path if province else "\x00"
