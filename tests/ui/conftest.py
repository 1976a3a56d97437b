"""UI fixtures: the app on a real migrated database, a fixed clock, and a scan string matching a real person."""

from __future__ import annotations

from datetime import datetime

import pytest

FIXED_NOW = datetime(2026, 11, 23, 9, 30)  # a Monday, office hours
SCAN = "038190012345|012345678|ĐẶNG THỊ ÁNH|17051990|Nữ|Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa|15042021"


@pytest.fixture
def fixed_clock():
    from onestop.domain import VN_TZ

    moment = FIXED_NOW.replace(tzinfo=VN_TZ)
    return lambda: moment


@pytest.fixture
def renderer():
    """The app prints through the real renderer, as `onestop` does."""
    from onestop.printing import ReceiptsRenderer

    return ReceiptsRenderer()


@pytest.fixture
def officer(services):
    return services.officers.get("canbo")


@pytest.fixture
def app(services, officer, fixed_clock):
    from screens.app import make_app

    return make_app(services, officer=officer, clock=fixed_clock)
