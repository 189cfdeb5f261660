"""Fixtures of the notification tests: the API tests' `world` (see `eiso.api.tests.world`) and `api`."""

import pytest

from eiso.api.tests.world import World, build_world, client_for


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def api():
    return client_for
