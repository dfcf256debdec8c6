"""Which ASGI server runs this app, read from the running process, not from what is installed.

The server is the code that calls the application. Called from inside the
app (the lifespan start-up, main.create_app), this walks up the running
frames to FastAPI.__call__ and names the package of the frame that awaited
it: Uvicorn's lifespan or proxy-headers code under Uvicorn, Starlette's
TestClient in the unit tests.
"""

import inspect
from importlib.metadata import version

from fastapi import FastAPI


def calling_server() -> str:
    """The "<package>/<version>" of whatever called this app, e.g. "uvicorn/0.54.0"."""
    frame = inspect.currentframe()
    while frame is not None and frame.f_code is not FastAPI.__call__.__code__:
        frame = frame.f_back
    if frame is None or frame.f_back is None:
        raise RuntimeError("calling_server() must run inside the application's __call__")
    package = frame.f_back.f_globals["__name__"].partition(".")[0]
    return f"{package}/{version(package)}"
