"""Calls to the messaging platforms' APIs: one pooled aiohttp session per channel, with timeouts.

The stock Messenger and Twilio connectors send through blocking HTTP clients inside the event loop,
and the stock Telegram connector asks the API who it is on every message. Here every call is
asynchronous, bounded by a timeout, and logged rather than raised when the platform refuses it:
a failed delivery must not make the webhook fail, or the platform would send the message again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)


class PlatformAPI:
    """An HTTP client for one platform, created on first use inside the server's event loop."""

    def __init__(self, platform: str, base_url: str, auth: aiohttp.BasicAuth | None = None):
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self._session: aiohttp.ClientSession | None = None

    async def post(
        self,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        form: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> bool:
        """POST to ``path`` under the API's base URL; return whether the platform accepted it."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT, auth=self.auth)
        url = f"{self.base_url}/{path.lstrip('/')}"
        method = path.rsplit("/", 1)[-1]  # never log the path itself: Telegram's holds the token
        try:
            async with self._session.post(url, json=json, data=form, params=params) as response:
                if response.status < 300:
                    return True
                detail = (await response.text())[:500]
                logger.error(
                    "%s refused %s: HTTP %s %s", self.platform, method, response.status, detail
                )
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("%s unreachable for %s: %s", self.platform, method, type(error).__name__)
        return False

    async def close(self) -> None:
        """Close the pooled connections (when the server stops)."""
        if self._session is not None:
            await self._session.close()
            self._session = None
