"""Factories for the agency tree. Agencies are made through the service so that the identity copy,
the materialized path and the audit event are exactly what production code produces."""

import datetime

import factory

from eiso.organizations import services
from eiso.organizations.models import Agency, AgencyKind

LONG_AGO = datetime.date(2020, 1, 1)


class AgencyFactory(factory.Factory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm {n}")
    kind = AgencyKind.OTHER
    valid_from = LONG_AGO
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_agency(actor=None, **kwargs)


class ProvinceFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    kind = AgencyKind.PROVINCE
    admin_code = factory.Sequence(lambda n: f"{60 + n % 40:02d}")


class DepartmentFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    kind = AgencyKind.PROVINCIAL_DEPARTMENT


class CommuneFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    kind = AgencyKind.COMMUNE
    admin_code = factory.Sequence(lambda n: f"{50000 + n:05d}")


class InternalUnitFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Phòng thử nghiệm {n}")
    kind = AgencyKind.INTERNAL_UNIT
