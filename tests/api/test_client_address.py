"""Throttles count a client by its real address: X-Forwarded-For is believed only from a configured proxy."""

from ipaddress import ip_network

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from orgs.api.throttling import AnonRateThrottle
from orgs.clients import client_address

PROXIES = [ip_network("10.0.0.0/8"), ip_network("2001:db8::/32")]


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()
    yield
    cache.clear()


def test_a_forged_forwarded_for_does_not_reset_an_anonymous_clients_throttle(anonymous, three_a_minute):
    answered = [anonymous.get("/api/stats/").status_code for _ in range(3)]
    forged = anonymous.get("/api/stats/", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert answered == [200, 200, 200]
    assert forged.status_code == 429


@override_settings(ATC_TRUSTED_PROXIES=PROXIES)
def test_behind_a_trusted_proxy_each_client_is_throttled_by_its_own_address(anonymous, three_a_minute):
    def via_proxy(forwarded_for: str) -> int:
        return anonymous.get("/api/stats/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    first_client = [via_proxy("1.2.3.4") for _ in range(3)]

    assert first_client == [200, 200, 200]
    assert via_proxy("1.2.3.4") == 429
    assert via_proxy("6.6.6.6, 1.2.3.4") == 429, "what the client wrote left of its address is not believed"
    assert via_proxy("5.6.7.8") == 200, "another client behind the same proxy has its own count"


@pytest.mark.no_graph
@pytest.mark.parametrize(
    "proxies, remote, forwarded_for, client",
    [
        ([], "8.8.8.8", "1.2.3.4", "8.8.8.8"),
        ([], "10.0.0.5", "1.2.3.4", "10.0.0.5"),
        (PROXIES, "8.8.8.8", "1.2.3.4", "8.8.8.8"),
        (PROXIES, "10.0.0.5", "", "10.0.0.5"),
        (PROXIES, "10.0.0.5", "1.2.3.4", "1.2.3.4"),
        (PROXIES, "10.0.0.5", "6.6.6.6, 1.2.3.4, 10.1.1.1", "1.2.3.4"),
        (PROXIES, "10.0.0.5", "10.9.9.9, 10.1.1.1", "10.9.9.9"),
        (PROXIES, "2001:db8::1", "2001:db8::2,2a00:1450::1", "2a00:1450::1"),
        (PROXIES, "10.0.0.5", "1.2.3.4, not-an-address", "10.0.0.5"),
        (PROXIES, "10.0.0.5", "1.2.3.4, not-an-address, 10.1.1.1", "10.1.1.1"),
    ],
    ids=[
        "no proxy configured: the connection",
        "no proxy configured: even a private connection",
        "an untrusted connection's header is ignored",
        "a trusted proxy without the header",
        "one trusted proxy",
        "the rightmost untrusted hop",
        "all hops trusted: the leftmost",
        "IPv6",
        "garbage stops at the proxy",
        "garbage stops at the last trusted hop",
    ],
)
def test_the_client_is_the_rightmost_address_that_is_not_a_trusted_proxy(proxies, remote, forwarded_for, client):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded_for)

    with override_settings(ATC_TRUSTED_PROXIES=proxies):
        assert client_address(request) == client
