"""Every test here that uses a database (`store`, `db_url`) runs on SQLite and on PostgreSQL."""

import pytest

from tests.pg import BACKENDS


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test once per kind of database."""
    return request.param
