"""The client address is only ever an IP address, whatever a client writes into its headers."""

from __future__ import annotations

import pytest

from bot.proxies import client_address

PEER = "192.0.2.1"


@pytest.mark.parametrize(
    "forwarded_for",
    ["\udcff", "é", "not-an-address", "203.0.113.9\x00", "😀", "203.0.113.300"],
)
def test_a_hop_that_is_not_an_ip_address_counts_as_the_peer(forwarded_for: str) -> None:
    # Such a value never comes from a trusted proxy; stored or used as a key it caused a 500.
    assert client_address(forwarded_for, PEER, 1) == PEER


@pytest.mark.parametrize("address", ["203.0.113.9", "2001:db8::7"])
def test_ip_addresses_of_both_families_are_taken(address: str) -> None:
    assert client_address(f"6.6.6.6, {address}", PEER, 1) == address
