"""How signed provider requests leave the building: over HTTPS in a live deployment, or only
recorded when there is no merchant account or no network (the default, and every test)."""

import contextlib
import logging
from collections.abc import Iterator

from storeos.sales import provider_settings
from storeos.sales.providers.base import (
    OutgoingRequest,
    ProviderResponse,
    ProviderUnavailable,
    Transport,
)

logger = logging.getLogger(__name__)

TIMEOUT = (5, 15)  # connect, read (seconds)

_overrides: list[Transport] = []


def record_only(request: OutgoingRequest) -> None:
    """Build everything, send nothing: the caller keeps the request and treats it as not sent."""
    logger.info("payment request not sent (offline transport): %s %s", request.method, request.url)
    return None


def https(request: OutgoingRequest) -> ProviderResponse:
    import requests  # the WeChat Pay SDK's own HTTP client

    try:
        response = requests.request(
            request.method,
            request.url,
            headers=request.headers,
            data=request.body.encode() if request.body else None,
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise ProviderUnavailable(
            "The payment provider could not be reached.", details={"url": request.url}
        ) from exc
    return ProviderResponse(response.status_code, dict(response.headers), response.text)


def current() -> Transport:
    if _overrides:
        return _overrides[-1]
    return https if provider_settings.live_transport() else record_only


@contextlib.contextmanager
def transport_override(transport: Transport) -> Iterator[Transport]:
    """Route provider requests through `transport` (tests capture them and answer as the
    provider would)."""
    _overrides.append(transport)
    try:
        yield transport
    finally:
        _overrides.remove(transport)
