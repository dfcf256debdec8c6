"""The endpoint contract as Locust tasks, shared by every backend's user class.

One task per contract row, each tagged with the endpoint's name, so a run can
be narrowed with ``--tags db`` on the command line, or in the web UI by
ticking tasks in the class picker's per-class settings (each task is named
after its tag, except `json_serialization`: a task called `json` would hide
Locust's own `User.json()`, which the class picker calls).
"""

import uuid
from typing import ClassVar

from locust import FastHttpUser, constant, tag, task

from scenarios import checks, settings
from scenarios.tls import edge_ssl_context


class ContractUser(FastHttpUser):
    """One client of one backend; subclasses name the backend."""

    abstract = True

    backend: ClassVar[str]
    """Path prefix without the outer slashes: `cgi`, `was/granian-wsgi`."""
    interface: ClassVar[str]
    """CGI, WSGI or ASGI, as `/hello` and `/info` name it."""
    via: ClassVar[str]
    """What a stored message's `via` says: the app's name, which a server
    matrix variant shares with the backend whose app it runs."""

    host = settings.DEFAULT_HOST
    # Closed loop without think time: each user sends its next request when
    # the previous answer arrives, so concurrency equals the user count.
    wait_time = constant(0)
    # FastHttpUser skips certificate checks unless told otherwise.
    insecure = False
    ssl_context_factory = staticmethod(edge_ssl_context)
    default_headers: ClassVar[dict[str, str]] = {"Host": settings.HOST_HEADER}

    def _get(self, path: str, check: checks.Check) -> None:
        url = f"/{self.backend}{path}"
        with self.client.get(url, catch_response=True) as response:
            self._judge(response, check)

    def _judge(self, response: checks.Response, check: checks.Check) -> None:
        problem = check(response)
        if problem:
            response.failure(problem)
        else:
            response.success()

    @tag("hello")
    @task
    def hello(self) -> None:
        self._get("/hello", checks.plain_text(f"Hello, {self.interface} World"))

    @tag("json")
    @task
    def json_serialization(self) -> None:  # not `json`: User.json() describes the class to the web UI
        self._get("/json", checks.json_equal({"message": "Hello, World!"}))

    @tag("db")
    @task
    def db(self) -> None:
        self._get("/db", checks.world_row)

    @tag("queries")
    @task
    def queries(self) -> None:
        count = settings.QUERIES_PER_REQUEST
        self._get(f"/queries?queries={count}", checks.world_rows(count))

    @tag("fortunes")
    @task
    def fortunes(self) -> None:
        self._get("/fortunes", checks.fortunes_page)

    @tag("io")
    @task
    def io(self) -> None:
        wait = settings.IO_WAIT_MS
        self._get(f"/io?ms={wait}", checks.json_equal({"waited_ms": wait}))

    @tag("info")
    @task
    def info(self) -> None:
        self._get("/info", checks.info_document(self.interface))

    @tag("messages")
    @task
    def messages(self) -> None:
        self._get("/messages", checks.messages_page)

    @tag("post_messages")
    @task
    def post_messages(self) -> None:
        author = f"locust-{self.backend}"
        text = f"load test message {uuid.uuid4()}"
        check = checks.stored_message(author, text, via=self.via)
        payload = {"author": author, "text": text}
        with self.client.post(f"/{self.backend}/messages", json=payload, catch_response=True) as response:
            self._judge(response, check)

    @tag("healthz")
    @task
    def healthz(self) -> None:
        self._get("/healthz", checks.ok)
