"""Fixtures of the catalogue tests: portal-shaped records, the demo file, and the API tests' world."""

import copy
import json
from pathlib import Path

import pytest

from eiso.api.tests.world import World, build_world, client_for

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo_procedures.json"

EXAMPLE = {
    "id": "b6d0c1f2-0000-4000-8000-000000000001",
    "code": "1.001193",
    "name": "Thủ tục đăng ký khai sinh",
    "decisionNo": "1872/QĐ-BTP",
    "decisionDate": "2020-09-04",
    "isMinistry": False,
    "isProvince": False,
    "isWard": True,
    "isOtherAgency": False,
    "formalityType": "STANDARD",
    "categoriesDetails": [{"code": "HT", "name": "Hộ tịch"}],
    "subjectTypesDetails": [{"name": "Công dân Việt Nam"}],
    "departmentsExecuting": [{"name": "Ủy ban nhân dân cấp xã"}],
    "departmentsAuthority": [{"name": "Ủy ban nhân dân cấp xã"}],
    "executionSteps": [
        {"name": "Bước 1", "description": "Nộp hồ sơ tại Trung tâm phục vụ hành chính công cấp xã"}
    ],
    "executionMethods": [
        {
            "submissionMethod": "DIRECT",
            "processingTime": 1,
            "processingTimeUnit": "WORKING_DAY",
            "description": "Ngay trong ngày tiếp nhận; sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo",
            "fees": [{"value": 0, "currencyName": "Đồng", "description": "Miễn lệ phí khi đăng ký đúng hạn"}],
        },
        {"submissionMethod": "ONLINE", "processingTime": 1, "processingTimeUnit": "WORKING_DAY", "fees": []},
    ],
    "executionCases": [
        {
            "name": "Giấy tờ phải nộp",
            "profileComponents": [
                {
                    "name": "Tờ khai đăng ký khai sinh",
                    "originalQty": 1,
                    "copyQty": 0,
                    "required": True,
                    "attachments": [{"id": "att-1", "fileName": "To khai khai sinh.docx"}],
                },
                {
                    "name": "Giấy chứng sinh",
                    "originalQty": 1,
                    "copyQty": 0,
                    "required": True,
                    "attachments": [],
                },
            ],
        }
    ],
    "legalBasisesDetails": [{"code": "60/2014/QH13", "name": "Luật Hộ tịch"}],
    "requirementsAndConditions": "",
    "resultsDetails": [{"code": "KQ1", "name": "Giấy khai sinh"}],
    "updatedAt": 1735689600000,
}


def portal_record(code: str = "1.001193", decision: str = "1872/QĐ-BTP", **changes) -> dict:
    record = copy.deepcopy(EXAMPLE)
    record.update({"code": code, "decisionNo": decision, **changes})
    return record


def as_json(*records) -> bytes:
    return json.dumps(list(records), ensure_ascii=False).encode()


@pytest.fixture
def demo_bytes() -> bytes:
    return DEMO.read_bytes()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def api():
    return client_for
