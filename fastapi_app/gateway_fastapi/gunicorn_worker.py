"""Uvicorn's worker for Gunicorn, as the server matrix's was-uvicorn-worker runs it
(gunicorn_uvicorn_worker.conf.py): the worker class of the `uvicorn-worker`
package, with the protocol settings of the lab's own Uvicorn (serve.protocols).
The package's worker takes the event loop and parsers only ("auto"), and leaves
everything else at Uvicorn's defaults, permessage-deflate on among them; its
documented way to change them is a subclass's CONFIG_KWARGS.
https://github.com/Kludex/uvicorn-worker
"""

from typing import Any, ClassVar

from uvicorn_worker import UvicornWorker

from gateway_fastapi.serve import protocols
from gateway_fastapi.settings import WebSocketSettings


class LabUvicornWorker(UvicornWorker):
    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {
        **UvicornWorker.CONFIG_KWARGS,
        **protocols(WebSocketSettings.from_env()),
    }
