"""Fixtures of the dossier tests: the API tests' world (see `eiso.api.tests.world`) with the process
designer's catalogue and a household-status process (3 working days, 4 steps) in force at Xã Văn Giang.

`receive_one(**overrides)` receives a dossier at the counter as the receiver (Monday 10:00 by default).
"""

# ruff: noqa: F811 — pytest fixtures imported from the process tests are parameters here
import datetime
from zoneinfo import ZoneInfo

import pytest

from eiso.accounts import roles
from eiso.dossiers import services
from eiso.processes.tests.conftest import (  # noqa: F401 — fixtures re-used here
    HOUSEHOLD,
    MARRIAGE,
    START,
    _fresh_calendar_cache,
    api,
    catalogue,
    in_force,
    process_for,
    world,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=VN)  # an ordinary working Monday


def at(day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment in March 2026 (2 = Monday)."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=VN)


@pytest.fixture
def process(in_force, world):
    return in_force(agency=world.commune_a)


@pytest.fixture
def users(world):
    return world.users


@pytest.fixture
def receive_one(world, catalogue, process, users):
    def make(**overrides):
        kwargs = {
            "actor": users[roles.RECEIVER],
            "agency": world.commune_a,
            "procedure": catalogue[HOUSEHOLD],
            "channel": "direct",
            "applicant": services.Applicant(
                name="Nguyễn Văn An", phone="0912345678", address="Thôn 1, xã Văn Giang"
            ),
            "components": [services.ComponentLine(name="Tờ khai", original=True)],
            "at": MONDAY,
        }
        kwargs.update(overrides)
        return services.receive(**kwargs)

    return make
