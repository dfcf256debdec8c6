"""GET /io: simulated I/O wait that holds no worker; the event loop serves others meanwhile."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query

from gateway_fastapi.schemas import Waited
from gateway_fastapi.validation import Digits

router = APIRouter(tags=["slow_io"])

MAX_WAIT_MS = 10_000


@router.get("/io")
async def io_wait(
    ms: Annotated[Digits, Query(ge=0, le=MAX_WAIT_MS, description="Milliseconds")],
) -> Waited:
    await asyncio.sleep(ms / 1000)
    return Waited(waited_ms=ms)
