"""Serving a fake service (a WSGI app) on 127.0.0.1 in a background thread, for demos and tests."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    """No access log: a request's address can hold a secret (Marketo's token request has the client secret)."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class RunningFake:
    """A fake served on 127.0.0.1 (``port`` 0: any free port) in a background thread while in a ``with`` block;
    ``base_url`` is its root, the value of the service's *_BASE_URL variable."""

    thread_name = "fake-service"

    def __init__(self, fake: Any, port: int = 0) -> None:
        self.fake = fake
        self._server: BaseWSGIServer = make_server("127.0.0.1", port, fake, threaded=True,
                                                  request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=self.thread_name, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> RunningFake:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
