"""The client behind a request, as every lockout, limit and log row counts it."""

import ipaddress


def client_ip(request) -> str | None:
    """The client's address as the trusted proxies report it (django-axes' resolver, which calls
    portal_core.accounts.lockout.client_ip_address: TRUSTED_PROXY_COUNT / TRUSTED_PROXY_IPS),
    the one every lockout, limit and log row counts."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def client_network(ip: str | None) -> str | None:
    """What per-client limits count: an IPv4 address as it is, an IPv6 one by its /64 (one
    subscriber gets a whole /64, and could rotate through its 2^64 addresses)."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
