"""Sforce-Limit-Info parsing and merging."""

from __future__ import annotations

import pytest

from salesforcepy.usage import ApiUsage, Usage, parse_limit_info


def test_single_item() -> None:
    usage = parse_limit_info("api-usage=18/5000")
    assert usage.api == Usage(18, 5000)
    assert (usage.used, usage.limit, usage.remaining) == (18, 5000, 4982)
    assert usage.per_app == {}


def test_several_items_in_any_order() -> None:
    usage = parse_limit_info("api-bursts=1/750; api-usage=10018/100000")
    assert usage.items == {"api-bursts": Usage(1, 750), "api-usage": Usage(10018, 100000)}
    assert usage.used == 10018


def test_per_app_item() -> None:
    usage = parse_limit_info(
        "api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)"
    )
    assert usage.api == Usage(25, 5000)
    assert usage.per_app == {"sample-connected-app": Usage(17, 250)}
    assert "per-app-api-usage" not in usage.items


def test_tolerant_of_spacing_case_and_separators() -> None:
    usage = parse_limit_info(" API-Usage = 3 / 10 ;;per-app-api-usage=1/5( appName = My App );")
    assert usage.api == Usage(3, 10)
    assert usage.per_app == {"My App": Usage(1, 5)}


@pytest.mark.parametrize(
    "header", [None, "", "garbage", "api-usage", "api-usage=", "api-usage=x/y", "=1/2", "a=1/2/3"]
)
def test_malformed_items_are_skipped(header: str) -> None:
    assert not parse_limit_info(header)


def test_malformed_items_do_not_hide_good_ones() -> None:
    usage = parse_limit_info("api-usage=oops; api-bursts=2/10; per-app-api-usage=1/2(other=x)")
    assert usage.items == {"api-bursts": Usage(2, 10)}
    assert usage.per_app == {}
    assert (usage.used, usage.limit, usage.remaining) == (None, None, None)


def test_remaining_and_fraction() -> None:
    assert Usage(6000, 5000).remaining == 0
    assert Usage(25, 100).fraction == 0.25
    assert Usage(0, 0).fraction == 1.0


def test_merge_keeps_unreported_items_and_updates_the_rest() -> None:
    first = parse_limit_info("api-usage=1/100; api-bursts=1/10; per-app-api-usage=1/5(appName=a)")
    later = parse_limit_info("api-usage=2/100; per-app-api-usage=3/5(appName=b)")
    merged = first.merge(later)
    assert merged.items == {"api-usage": Usage(2, 100), "api-bursts": Usage(1, 10)}
    assert merged.per_app == {"a": Usage(1, 5), "b": Usage(3, 5)}
    assert first.merge(ApiUsage()) is first


def test_usage_is_read_only() -> None:
    usage = parse_limit_info("api-usage=1/2")
    with pytest.raises(TypeError):
        usage.items["api-usage"] = Usage(0, 0)  # type: ignore[index]
