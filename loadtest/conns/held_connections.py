"""Hold many connections of one kind to one backend through the edge, and time
what each receives: the client of `make bench-conns` (bench/conns/run.py).

One asyncio process; bench/conns drives it over stdin, one JSON command a
line, and reads one JSON event a line from stdout:

  {"cmd": "ramp", "target": N}       open connections until N are held
      -> {"event": "ramped", "held", "refused", "errors"}  (refused/errors: since the last ramp)
  {"cmd": "latest"}                  -> {"event": "latest", "id"}: the newest message id
  {"cmd": "post", "count": M}        POST M messages, each stamped with its send time
      -> {"event": "posted", "ids": [...], "held"}
  {"cmd": "collect", "ids": [...], "expected": E, "wait_s": S}
      wait until E deliveries of those ids arrived here (or S seconds passed)
      -> {"event": "collected", "latencies_ms": [...], "errors", "refused"}
         (errors, refused: since the last ramp, a poll's late 503 included)
      -> {"event": "collected", "latencies_ms": [...], "errors", "cpu_s", "wall_s", "loop_lag_ms"}
      cpu_s / wall_s: this process's CPU over the wait (1.0: its core was
      busy throughout); loop_lag_ms: the most its event loop ran late then.
      Both high: the latencies measure this client's backlog, not the stack.
  {"cmd": "stop"}                    close everything and exit

Kinds: `websocket` (GET ws/messages), `sse` (GET events/messages), `poll`
(GET poll?after=...&timeout_ms=..., asked again as soon as it answers). A 503
(the edge's limit, or a backend's) is a refusal; anything else that fails is
an error, and so is a held connection that ends by itself. It exits by
itself after --max-seconds, or when stdin closes.
"""

import argparse
import asyncio
import json
import os
import ssl
import sys
import time
from dataclasses import dataclass, field
from socket import AF_INET, SOCK_STREAM
from urllib.parse import urlsplit

import aiohttp
import picows
import uvloop

POLL_TIMEOUT_MS = 25_000  # below the edge's 35 s for /poll (nginx/routes/*.conf)
# How often the event loop's lag is sampled: a timer due every 50 ms that runs
# late by X ms means every delivery read meanwhile waited up to X ms here.
LAG_PERIOD_S = 0.05
REFUSED = 503
AUTHOR = "bench-conns"


@dataclass
class Tally:
    held: int = 0
    refused: int = 0
    errors: int = 0
    # message id -> delivery latencies (ms) measured here
    deliveries: dict[int, list[float]] = field(default_factory=dict)


def stamp(token: str) -> str:
    return f"{token} {time.time():.6f}"


def latency_ms(message: dict, token: str, received: float) -> float | None:
    """The delivery time of one of our messages (text `<token> <send time>`), else None."""
    prefix, _, sent = str(message.get("text", "")).partition(" ")
    if message.get("author") != AUTHOR or prefix != token:
        return None
    return (received - float(sent)) * 1000


class Frames(picows.WSListener):
    """One held WebSocket's frames, read in picows' callback: no task woken per
    frame, as aiohttp's `async for` does. Pings are answered by picows."""

    def __init__(self, client: "Client") -> None:
        self.client = client

    def on_ws_frame(self, transport: picows.WSTransport, frame: picows.WSFrame) -> None:
        if frame.msg_type == picows.WSMsgType.TEXT:
            received = time.time()  # before parsing: the parse is this client's cost
            self.client.record(json.loads(frame.get_payload_as_bytes()), received)
        elif frame.msg_type == picows.WSMsgType.CLOSE:
            transport.disconnect()  # the server ends it: hold_websocket counts the drop


class Client:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.tally = Tally()
        self.tasks: set[asyncio.Task] = set()
        self.closing = False
        self.after = 0  # poll: the newest id known when the ramp began
        self.loop_lag_ms = 0.0  # the most the loop ran late since the last collect began
        self.ssl_context = context = ssl.create_default_context(cafile=options.ca_file)
        self.edge = urlsplit(options.base)
        self.websocket_url = ""  # resolve_edge
        # The site's name, and the headers every earlier run's handshake had
        # (aiohttp's): a backend keeps a WebSocket's handshake headers while it
        # is held, so fewer would show less memory per connection.
        self.handshake_headers = {
            "Host": os.environ["PUBLIC_HOST"],
            "Accept": "*/*",
            "Accept-Encoding": "gzip, deflate",
            "User-Agent": f"Python/{sys.version_info.major}.{sys.version_info.minor} picows/{picows.__version__}",
        }
        self.session = aiohttp.ClientSession(
            # The edge's address is looked up once: thousands of opens would
            # otherwise each ask Docker's DNS, which fails some under load.
            connector=aiohttp.TCPConnector(limit=0, ssl=context, ttl_dns_cache=None),
            # The site's name (PUBLIC_HOST, from compose) while connecting to the
            # edge by its service name, as Locust does.
            headers={"Host": os.environ["PUBLIC_HOST"]},
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=30),
        )

    # --- receiving --------------------------------------------------------

    def record(self, message: dict, received: float) -> None:
        latency = latency_ms(message, self.options.token, received)
        if latency is not None:
            self.tally.deliveries.setdefault(int(message["id"]), []).append(latency)

    async def hold_websocket(self, opened: asyncio.Future) -> None:
        try:
            transport, _ = await picows.ws_connect(
                lambda: Frames(self),
                self.websocket_url,
                ssl_context=self.ssl_context,
                server_hostname=self.edge.hostname,  # the URL has the address; TLS checks the name
                extra_headers=self.handshake_headers,
                websocket_handshake_timeout=30,  # not picows' 5 s: during a ramp the edge answers late
                # uvloop's TLS, not aiofastnet's: that one writes each server
                # certificate to a temporary file to decode it, and its handshake
                # hangs where it cannot (a read-only root without /tmp); it saved
                # 2.6 of 21 us per frame.
                use_aiofastnet=False,
            )
        except picows.WSInvalidStatusError as error:
            refused = error.response is not None and error.response.status == REFUSED
            self.resolve(opened, "refused" if refused else "errors")
            return
        self.resolve(opened, "held")
        try:
            await transport.wait_disconnected()
        finally:
            transport.disconnect()
            self.dropped()

    async def hold_sse(self, opened: asyncio.Future) -> None:
        async with self.session.get(self.options.base + "events/messages") as response:
            if response.status != 200:
                self.resolve(opened, "refused" if response.status == REFUSED else "errors")
                return
            self.resolve(opened, "held")
            try:
                async for line in response.content:
                    if line.startswith(b"data:"):
                        received = time.time()
                        self.record(json.loads(line[5:]), received)
            finally:
                self.dropped()

    async def hold_poll(self, opened: asyncio.Future) -> None:
        after = self.after
        # The first poll does not wait: its answer says the backend has this
        # client, so the open is answered when the whole path took it, as a
        # WebSocket's handshake is, and --max-opening paces the ramp by it.
        timeout_ms = 0
        try:
            while True:
                url = f"{self.options.base}poll?after={after}&timeout_ms={timeout_ms}"
                async with self.session.get(url) as response:
                    if response.status != 200:
                        if opened.done():  # a held poll ends; otherwise the open failed
                            self.tally.held -= 1
                        self.resolve(opened, "refused" if response.status == REFUSED else "errors")
                        return
                    received = time.time()
                    for message in await response.json():
                        self.record(message, received)
                        after = max(after, int(message["id"]))
                if not opened.done():
                    self.resolve(opened, "held")  # from now on waiting is holding
                    timeout_ms = POLL_TIMEOUT_MS
        except asyncio.CancelledError:
            raise
        except Exception:  # any failure of a held poll is one error
            if not opened.done():
                raise  # not held yet: a failed open, which attempt() counts
            self.dropped()

    def resolve(self, opened: asyncio.Future, outcome: str) -> None:
        setattr(self.tally, outcome, getattr(self.tally, outcome) + 1)
        if not opened.done():
            opened.set_result(outcome)

    def dropped(self) -> None:
        """A held connection ended: at `stop`, expected; otherwise an error."""
        self.tally.held -= 1
        if not self.closing:
            self.tally.errors += 1

    async def attempt(self, opened: asyncio.Future) -> None:
        hold = {"websocket": self.hold_websocket, "sse": self.hold_sse, "poll": self.hold_poll}[self.options.kind]
        try:
            await hold(opened)
        except asyncio.CancelledError:
            raise
        except Exception:  # a failed open (reset, timeout, TLS) is one error
            if not opened.done():
                self.resolve(opened, "errors")

    # --- commands ---------------------------------------------------------

    async def resolve_edge(self) -> None:
        """The WebSocket URL with the edge's address, looked up once (as the session's DNS cache does)."""
        port = self.edge.port or 443
        loop = asyncio.get_running_loop()
        (_, _, _, _, (address, _)), *_ = await loop.getaddrinfo(
            self.edge.hostname, port, family=AF_INET, type=SOCK_STREAM
        )
        self.websocket_url = self.edge._replace(scheme="wss", netloc=f"{address}:{port}").geturl() + "ws/messages"

    async def ramp(self, target: int) -> dict:
        self.tally.refused = self.tally.errors = 0
        if self.options.kind == "websocket" and not self.websocket_url:
            await self.resolve_edge()
        if self.options.kind == "poll":
            self.after = await self.latest()
        openings = []
        # At most --max-opening opens unanswered at once: an open waits in the
        # edge's and the backend's accept queues, and past what the stack
        # accepts per second they only grow until connects time out. The ramp
        # then runs at the stack's pace, at most --open-rate.
        opening = asyncio.Semaphore(self.options.max_opening)
        for _ in range(max(0, target - self.tally.held)):
            await opening.acquire()
            opened = asyncio.get_running_loop().create_future()
            opened.add_done_callback(lambda _: opening.release())
            task = asyncio.create_task(self.attempt(opened))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            openings.append(opened)
            await asyncio.sleep(1 / self.options.open_rate)
        if openings:
            await asyncio.wait(openings, timeout=60)
        await asyncio.sleep(self.options.settle_s)  # late refusals (a poll's 503) and drops
        return {"event": "ramped", "held": self.tally.held, "refused": self.tally.refused, "errors": self.tally.errors}

    async def latest(self) -> int:
        async with self.session.get(self.options.post_base + "messages") as response:
            response.raise_for_status()
            return max((int(message["id"]) for message in await response.json()), default=0)

    async def post(self, count: int) -> dict:
        ids = []
        for index in range(count):
            if index:  # between messages, not after the last: the answer is not held back
                await asyncio.sleep(self.options.post_interval_s)
            body = {"author": AUTHOR, "text": stamp(self.options.token)}
            try:
                async with self.session.post(self.options.post_base + "messages", json=body) as response:
                    response.raise_for_status()
                    ids.append(int((await response.json())["id"]))
            except aiohttp.ClientError:
                self.tally.errors += 1  # a message not stored is delivered to nobody: one error
        return {"event": "posted", "ids": ids}

    async def collect(self, ids: list[int], expected: int, wait_s: float) -> dict:
        started, cpu_started = time.monotonic(), time.process_time()
        self.loop_lag_ms = 0.0
        deadline = started + wait_s
        while time.monotonic() < deadline:
            if sum(len(self.tally.deliveries.get(i, ())) for i in ids) >= expected:
                break
            await asyncio.sleep(0.1)
        latencies = [round(value, 2) for i in ids for value in self.tally.deliveries.pop(i, [])]
        return {
            "event": "collected",
            "latencies_ms": latencies,
            "errors": self.tally.errors,
            "refused": self.tally.refused,
            "cpu_s": round(time.process_time() - cpu_started, 3),
            "wall_s": round(time.monotonic() - started, 3),
            "loop_lag_ms": round(self.loop_lag_ms, 1),
        }

    async def watch_lag(self) -> None:
        """Keep loop_lag_ms: how late a timer due every LAG_PERIOD_S runs."""
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + LAG_PERIOD_S
            await asyncio.sleep(LAG_PERIOD_S)
            self.loop_lag_ms = max(self.loop_lag_ms, (loop.time() - due) * 1000)

    async def stop(self) -> None:
        self.closing = True
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.session.close()


async def commands() -> "asyncio.StreamReader":
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


def emit(event: dict) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


async def serve(options: argparse.Namespace) -> None:
    client = Client(options)
    reader = await commands()
    watching = asyncio.create_task(client.watch_lag())
    try:
        while line := await reader.readline():
            command = json.loads(line)
            match command["cmd"]:
                case "ramp":
                    emit(await client.ramp(int(command["target"])))
                case "latest":
                    emit({"event": "latest", "id": await client.latest()})
                case "post":
                    emit(await client.post(int(command["count"])))
                case "collect":
                    emit(await client.collect(command["ids"], int(command["expected"]), float(command["wait_s"])))
                case "stop":
                    break
    finally:
        watching.cancel()
        await client.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the backend's URL through the edge, e.g. https://nginx/fastapi/")
    parser.add_argument("--post-base", required=True, help="where messages are posted, e.g. https://nginx/fastapi/")
    parser.add_argument("--kind", required=True, choices=["websocket", "sse", "poll"])
    parser.add_argument("--token", required=True, help="marks this run's messages")
    parser.add_argument("--ca-file", default="/etc/gateway-tls/ca.crt")
    parser.add_argument("--settle-s", type=float, default=2.0)
    # bench/conns divides its run's rate over its clients (bench/conns/run.py).
    parser.add_argument("--open-rate", type=float, default=100, help="connections opened per second")
    parser.add_argument("--max-opening", type=int, default=25, help="opens not yet answered, at most")
    parser.add_argument("--post-interval-s", type=float, default=0.2)
    parser.add_argument("--max-seconds", type=float, required=True, help="exit by itself after this long")
    options = parser.parse_args()
    try:
        # uvloop: the client shares the host's cores with the stack it measures,
        # and every frame it reads costs less on it than on asyncio's own loop.
        uvloop.run(asyncio.wait_for(serve(options), options.max_seconds))
    except TimeoutError:
        sys.exit("held_connections: --max-seconds passed; stopped")


if __name__ == "__main__":
    main()
