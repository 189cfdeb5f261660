"""Fixtures of the process designer's Django tests (the pure `test_design_*` tests need none of them).

`world` is the API tests' tree and users (see `eiso.api.tests.world`); `catalogue` imports three
procedures shaped like the national portal and assigns them to Xã Văn Giang (commune_a) and Phường
Hồng Bàng (commune_b, another province); `process_for(...)` builds a process through the services.
"""

import datetime
from decimal import Decimal

import pytest

from eiso.api.tests.world import World, build_world, client_for
from eiso.calendars import adapter
from eiso.procedures import importing
from eiso.procedures import services as procedures
from eiso.procedures.models import Procedure
from eiso.procedures.tests.conftest import as_json, portal_record
from eiso.processes import services
from eiso.processes.design import StepDesign, Transition

START = datetime.date(2025, 7, 1)
HOUSEHOLD = "1.004873"  # 3 working days = 24 h
BIRTH = "1.001193"  # 1 working day = 8 h
MARRIAGE = "1.000894"  # 5 working days = 40 h


def _method(days):
    return [
        {
            "submissionMethod": "DIRECT",
            "processingTime": days,
            "processingTimeUnit": "WORKING_DAY",
            "fees": [],
        },
        {
            "submissionMethod": "ONLINE",
            "processingTime": days,
            "processingTimeUnit": "WORKING_DAY",
            "fees": [],
        },
    ]


RECORDS = [
    portal_record(
        HOUSEHOLD,
        "2048/QĐ-BTP",
        name="Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        decisionDate="2025-06-01",
        executionMethods=_method(3),
        legalBasisesDetails=[
            {"code": "60/2014/QH13", "name": "Luật Hộ tịch"},
            {"code": "123/2015/NĐ-CP", "name": "Nghị định quy định chi tiết Luật Hộ tịch"},
        ],
    ),
    portal_record(BIRTH, "1872/QĐ-BTP", decisionDate="2025-06-01"),
    portal_record(
        MARRIAGE,
        "1873/QĐ-BTP",
        name="Thủ tục đăng ký kết hôn",
        decisionDate="2025-06-01",
        executionMethods=_method(5),
    ),
]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    adapter.invalidate()
    yield
    adapter.invalidate()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def api():
    return client_for


@pytest.fixture
def catalogue(world):
    importing.import_file(actor=None, data=as_json(*RECORDS), file_name="thu-tuc.json")
    all_three = list(Procedure.objects.filter(code__in=[HOUSEHOLD, BIRTH, MARRIAGE]).order_by("code"))
    procedures.assign_procedures(actor=None, agency=world.commune_a, procedures=all_three, valid_from=START)
    procedures.assign_procedures(actor=None, agency=world.commune_b, procedures=all_three, valid_from=START)
    return {p.code: p for p in all_three}


def step(number, name, hours, **fields) -> StepDesign:
    fields.setdefault("unit", "Bộ phận Một cửa")
    fields.setdefault("role", "Công chức tiếp nhận")
    return StepDesign(number=number, name=name, hours=Decimal(hours), **fields)


def steps_within(limit_hours=24) -> list[StepDesign]:
    """Four steps, 22 h on the longest path, an approval that returns to step 2 when not agreed."""
    return [
        step(1, "Tiếp nhận hồ sơ", 2, output="Mẫu 01"),
        step(2, "Thẩm định hồ sơ", 12, unit="Văn phòng HĐND và UBND", role="Công chức Tư pháp - Hộ tịch"),
        step(
            3,
            "Xem xét, ký duyệt",
            6,
            role="Chủ tịch UBND xã",
            kind="approval",
            transitions=(Transition(4, condition="agreed"), Transition(2, "Xem xét lại", "not_agreed")),
        ),
        step(4, "Trả kết quả", 2, kind="return_to_applicant"),
    ]


@pytest.fixture
def process_for(world, catalogue):
    """`process_for(agency=commune_a, code=HOUSEHOLD, steps=steps_within())` → a process with a draft."""

    def make(agency=None, code=HOUSEHOLD, steps=None, **kwargs):
        process = services.create_process(
            actor=None, agency=agency or world.commune_a, procedures=[catalogue[code]], **kwargs
        )
        version = process.latest_version
        for item in steps if steps is not None else steps_within():
            version = services.save_step(actor=None, version=version, step=item)
        process.refresh_from_db()
        return process

    return make


@pytest.fixture
def in_force(process_for):
    """`in_force(agency=..., valid_from=...)` → a process whose first version is in force."""

    def make(valid_from=START, **kwargs):
        process = process_for(**kwargs)
        version = process.latest_version
        services.submit_version(actor=None, version=version)
        services.approve_version(actor=None, version=version)
        services.put_in_force(actor=None, version=version, valid_from=valid_from)
        process.refresh_from_db()
        return process

    return make
