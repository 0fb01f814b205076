"""LibreTranslate: a client for LibreTranslate-compatible servers an office hosts itself.

The API (https://docs.libretranslate.com/guides/api_usage):
  GET  /languages  -> [{"code": "en", "name": "English", "targets": ["es", ...]}, ...]
  POST /translate  {q, source, target, format: "text", api_key}
                   -> {"translatedText": "..."}; errors -> {"error": "..."} with
                   400 (bad request), 403 (banned or bad key), 429 (slow down), 500.
  GET  /spec       -> the OpenAPI document; its info.version is the server's version.

Servers name some languages differently from us ('zh' or 'zh-Hans', 'pt' or 'pt-BR',
'tl' for Filipino); the language list is read once and mapped onto our tags.
This engine needs the network, so an offline-only policy never builds it. With no
`url` set it supports nothing: Yoriai never calls a public server on its own.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx

from accessibility import languages
from accessibility.translation.base import Translation, TranslationError

LANGUAGES_TTL_S = 600.0


class LibreTranslateTranslator:
    """The `libretranslate` engine. Settings: `url` (required), `api_key`,
    `verify` (TLS: true, false or a CA bundle path), `request_timeout_s` (default 10)."""

    name = "libretranslate"
    offline = False

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        settings = settings or {}
        url = settings.get("url")
        self.url: str | None = str(url).rstrip("/") if url else None
        self.api_key: str | None = settings.get("api_key") or None
        self._verify: bool | str = settings.get("verify", True)
        self._request_timeout = float(settings.get("request_timeout_s", 10.0))
        self._client: httpx.AsyncClient | None = None
        self._codes: dict[str, str] = {}  # our tag -> the server's code
        self._targets: dict[str, set[str]] = {}  # our tag -> our tags it translates into
        self._languages_at: float | None = None
        self._server_version: str | None = None

    @property
    def version(self) -> str:
        return f"LibreTranslate {self._server_version or 'unknown'}"

    def _http(self) -> httpx.AsyncClient:
        if self.url is None:
            raise TranslationError("no LibreTranslate url is configured")
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.url,
                timeout=self._request_timeout,
                verify=self._verify,
                trust_env=False,  # no proxies from the environment: the admin names the server
                headers={"User-Agent": "Yoriai"},
            )
        return self._client

    async def languages(self) -> dict[str, set[str]]:
        """Our source tag -> our target tags, as the server says (cached for 10 min)."""
        fresh = (
            self._languages_at is not None
            and time.monotonic() - self._languages_at < LANGUAGES_TTL_S
        )
        if fresh:
            return self._targets
        response = await self._get("/languages")
        entries = response.json()
        if not isinstance(entries, list):
            raise TranslationError("LibreTranslate /languages did not return a list")
        codes: dict[str, str] = {}
        for entry in entries:
            code = entry.get("code") if isinstance(entry, dict) else None
            tag = languages.match_tag(code) if isinstance(code, str) else None
            # Prefer the server's code that is exactly ours ('zh-Hans' over 'zh').
            if tag is not None and (tag not in codes or code == tag):
                codes[tag] = str(code)
        targets: dict[str, set[str]] = {}
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            src = languages.match_tag(str(entry.get("code", "")))
            if src is None or codes.get(src) != entry.get("code"):
                continue
            raw_targets = entry.get("targets")
            if raw_targets is None:  # old servers: every language to every other
                raw_targets = list(codes.values())
            found = {languages.match_tag(str(t)) for t in raw_targets}
            targets[src] = {t for t in found if t is not None and t != src}
        self._codes, self._targets = codes, targets
        self._languages_at = time.monotonic()
        if self._server_version is None:
            await self._read_server_version()
        return targets

    async def _read_server_version(self) -> None:
        try:
            response = await self._http().get("/spec")
            if response.status_code == 200:
                info = response.json().get("info", {})
                self._server_version = str(info.get("version") or "unknown")
                return
        except (httpx.HTTPError, ValueError, AttributeError):
            pass
        self._server_version = "unknown"

    async def supports(self, source: str, target: str) -> bool:
        if self.url is None:
            return False
        return target in (await self.languages()).get(source, set())

    async def translate(self, text: str, source: str, target: str) -> Translation:
        if not self._codes:
            await self.languages()
        body: dict[str, str] = {
            "q": text,
            "source": self._codes.get(source, source),
            "target": self._codes.get(target, target),
            "format": "text",
        }
        if self.api_key:
            body["api_key"] = self.api_key
        try:
            response = await self._http().post("/translate", json=body)
        except httpx.HTTPError as exc:
            raise TranslationError(f"LibreTranslate at {self.url}: {exc!r}") from exc
        data = self._json(response)
        translated = data.get("translatedText") if isinstance(data, dict) else None
        if not isinstance(translated, str):
            raise TranslationError(f"LibreTranslate answered without translatedText: {data!r}")
        return Translation.by(self, translated, original=text, source=source, target=target)

    async def _get(self, path: str) -> httpx.Response:
        try:
            response = await self._http().get(path)
        except httpx.HTTPError as exc:
            raise TranslationError(f"LibreTranslate at {self.url}: {exc!r}") from exc
        self._json(response)
        return response

    def _json(self, response: httpx.Response) -> Any:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code != 200:
            error = data.get("error") if isinstance(data, dict) else None
            raise TranslationError(
                f"LibreTranslate {response.status_code}: {error or response.reason_phrase}"
            )
        if data is None:
            raise TranslationError("LibreTranslate did not answer with JSON")
        return data

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
