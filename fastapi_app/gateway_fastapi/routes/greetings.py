"""GET /hello and GET /json: the interface itself, no database, no I/O."""

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from gateway_fastapi.schemas import Greeting

router = APIRouter(tags=["greetings"])


@router.get("/hello", response_class=PlainTextResponse)
async def hello() -> str:
    return "Hello, ASGI World"


@router.get("/json")
async def json_message() -> Greeting:
    return Greeting(message="Hello, World!")
