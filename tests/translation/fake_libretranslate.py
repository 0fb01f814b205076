"""A FAKE LibreTranslate server on 127.0.0.1, for testing our client without one.

It follows the documented API (https://docs.libretranslate.com/guides/api_usage and
the server's own /spec): GET /languages, POST /translate (JSON or form fields q,
source, target, format, api_key -> {"translatedText"}; errors as {"error"} with 400,
403, 429 and 500), GET /spec (info.version). Its "translation" is a tiny word table,
so tests can tell that the text went through it. It is not LibreTranslate.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Codes as a LibreTranslate server reports them: note 'zh', 'pt' and 'tl', which our
# client must map onto zh-Hans, pt-BR and fil.
LANGUAGES = [
    {"code": "en", "name": "English"},
    {"code": "es", "name": "Spanish"},
    {"code": "ja", "name": "Japanese"},
    {"code": "zh", "name": "Chinese"},
    {"code": "pt", "name": "Portuguese"},
    {"code": "tl", "name": "Tagalog"},
    {"code": "fr", "name": "French"},
]
WORDS: dict[tuple[str, str], dict[str, str]] = {
    ("en", "es"): {
        "hello": "hola",
        "good": "buenos",
        "morning": "días",
        "the": "el",
        "report": "informe",
        "is": "está",
        "ready": "listo",
    },
    ("es", "en"): {"hola": "hello", "el": "the", "informe": "report", "listo": "ready"},
    ("en", "zh"): {"hello": "你好", "report": "报告"},
    ("en", "pt"): {"hello": "olá", "report": "relatório"},
    ("en", "tl"): {"hello": "kumusta", "report": "ulat"},
}


@dataclass
class FakeLibreTranslate:
    api_key: str | None = None
    delay_s: float = 0.0
    fail_status: int | None = None  # answer every /translate with this error
    version: str = "fake-1.0"
    requests: list[dict[str, Any]] = field(default_factory=list)
    language_requests: int = 0
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeLibreTranslate:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/languages":
                    fake.language_requests += 1
                    codes = [lang["code"] for lang in LANGUAGES]
                    body = [
                        {**lang, "targets": [c for c in codes if c != lang["code"]]}
                        for lang in LANGUAGES
                    ]
                    self._send(200, body)
                elif self.path == "/spec":
                    self._send(200, {"swagger": "2.0", "info": {"version": fake.version}})
                else:
                    self._send(404, {"error": "Not Found"})

            def do_POST(self) -> None:
                if self.path != "/translate":
                    self._send(404, {"error": "Not Found"})
                    return
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw)
                else:
                    params = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                fake.requests.append(params)
                if fake.delay_s:
                    time.sleep(fake.delay_s)
                if fake.fail_status is not None:
                    self._send(fake.fail_status, {"error": "Cannot translate text: fake failure"})
                    return
                if fake.api_key is not None and params.get("api_key") != fake.api_key:
                    self._send(403, {"error": "Invalid API key"})
                    return
                for name in ("q", "source", "target"):
                    if not params.get(name):
                        self._send(400, {"error": f"Invalid request: missing {name} parameter"})
                        return
                codes = {lang["code"] for lang in LANGUAGES}
                for name in ("source", "target"):
                    if params[name] not in codes:
                        self._send(400, {"error": f"{params[name]} is not supported"})
                        return
                if params.get("format", "text") not in ("text", "html"):
                    self._send(400, {"error": f"{params['format']} format is not supported"})
                    return
                table = WORDS.get((params["source"], params["target"]), {})
                words = [table.get(w.lower(), w) for w in str(params["q"]).split()]
                self._send(200, {"translatedText": " ".join(words)})

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout tests do that)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
