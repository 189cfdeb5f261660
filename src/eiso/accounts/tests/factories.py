"""Factories for users and memberships (rows made directly: tests of services call services)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from eiso.accounts.models import Membership, Role, User

PASSWORD = "Mat-khau-thu-nghiem-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@thunghiem.gov.vn")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    class Params:
        role_code = "officer"

    user = factory.SubFactory(UserFactory)
    role = factory.LazyAttribute(lambda o: Role.objects.get(code=o.role_code))
    include_descendants = True
    valid_from = datetime.date(2020, 1, 1)
    valid_to = None
