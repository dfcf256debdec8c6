"""The edge alone: a file Nginx serves from disk, and its fixed `return 200`, the ceilings for the rest."""

from typing import ClassVar

from locust import FastHttpUser, constant, tag, task

from scenarios import checks, settings
from scenarios.tls import edge_ssl_context


class StaticUser(FastHttpUser):
    """Fetches the landing page's stylesheet, or the calibration answer, through the edge."""

    host = settings.DEFAULT_HOST
    wait_time = constant(0)  # closed loop, as ContractUser
    insecure = False  # FastHttpUser skips certificate checks unless told
    ssl_context_factory = staticmethod(edge_ssl_context)
    default_headers: ClassVar[dict[str, str]] = {"Host": settings.HOST_HEADER}

    @tag("static")
    @task
    def static(self) -> None:
        with self.client.get(settings.STATIC_PATH, catch_response=True) as response:
            problem = checks.ok(response)
            if not problem and not response.text:
                problem = "empty static file"
            if problem:
                response.failure(problem)
            else:
                response.success()

    @tag("calibration")
    @task
    def calibration(self) -> None:
        with self.client.get(settings.CALIBRATION_PATH, catch_response=True) as response:
            problem = checks.ok(response)
            if problem:
                response.failure(problem)
            else:
                response.success()
