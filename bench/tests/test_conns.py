"""bench/conns: the plan of a capacity run and the figures it records (no stack needed)."""

import json
from pathlib import Path

import pytest

from bench.conns import plan, results, run


def test_every_backend_holds_long_polls_and_only_asgi_holds_streams_and_websockets():
    series = plan.series(list(plan.BACKENDS), list(plan.KINDS), None)
    offered = {(s.backend, s.kind) for s in series}
    assert {backend for backend, kind in offered if kind == "poll"} == set(plan.BACKENDS)
    assert {backend for backend, kind in offered if kind != "poll"} == set(plan.ASGI)
    # ASGI ramps to the 20,000; the capped long polls stop far lower.
    for s in series:
        if (s.backend, s.kind) == ("django-asgi", "poll"):
            assert max(s.steps) == 800  # past DJANGO_ASGI_POLLS_MAX
        else:
            assert max(s.steps) == (20_000 if s.backend in plan.ASGI else 64)


def dotenv() -> dict[str, str]:
    """The committed .env, the one home of the sizes."""
    lines = (Path(__file__).resolve().parents[2] / ".env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_capped_series_reach_past_the_edges_long_poll_caps():
    # The edge refuses the poll beyond GUNICORN_WORKERS x GUNICORN_THREADS - 1 on
    # WSGI, FCGI_CHILDREN - 1 on CGI and DJANGO_ASGI_POLLS_MAX on Django under ASGI
    # (nginx/snippets/limits/long-polls.conf): a series that never passes its cap
    # would never show where it stops.
    settings = dotenv()
    caps = {
        "django": int(settings["GUNICORN_WORKERS"]) * int(settings["GUNICORN_THREADS"]) - 1,
        "wsgi": int(settings["GUNICORN_WORKERS"]) * int(settings["GUNICORN_THREADS"]) - 1,
        "cgi": int(settings["FCGI_CHILDREN"]) - 1,
        "django-asgi": int(settings["DJANGO_ASGI_POLLS_MAX"]),
    }
    for s in plan.series(list(caps), ["poll"], None):
        assert max(s.steps) > caps[s.backend], s


def test_steps_given_apply_to_every_series_and_a_kind_not_offered_is_skipped():
    series = plan.series(["wsgi", "fastapi"], ["websocket"], (10, 20))
    assert series == [plan.Series("fastapi", "websocket", (10, 20))]


@pytest.mark.parametrize(("target", "clients"), [(20_000, 4), (7, 3), (2, 5)])
def test_a_step_is_split_evenly_and_completely_over_the_clients(target, clients):
    shares = plan.split(target, clients)
    assert sum(shares) == target and len(shares) == clients
    assert max(shares) - min(shares) <= 1


def test_messages_are_never_posted_through_the_backend_measured():
    # At the edge's limit that backend refuses the POST as well.
    for backend in plan.BACKENDS:
        assert plan.poster(backend) != backend
        assert plan.poster(backend) in plan.ASGI


def test_enough_clients_for_the_largest_step():
    assert plan.clients_for((1_000, 20_000), 5_000) == 4
    assert plan.clients_for((1_000, 20_001), 5_000) == 5
    assert plan.clients_for((8,), 5_000) == 1


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(100, 0, -1)]  # 100..1, unsorted on purpose
    assert results.percentile(values, 0.50) == 50
    assert results.percentile(values, 0.99) == 99
    assert results.percentile([7.0], 0.99) == 7
    assert results.percentile([], 0.5) is None


def step(**overrides):
    record = results.step_record(
        target=1_000,
        counts={"held": 1_000, "refused": 0, "errors": 0},
        latencies_ms=[10.0] * 4_000 + [900.0] * 1_000,
        expected=5_000,
        memory={"backend": 100 * 2**20 + 1_000 * 30 * 1024, "nginx": 10 * 2**20 + 1_000 * 12 * 1024},
        baseline={"backend": 100 * 2**20, "nginx": 10 * 2**20},
        cpu={"backend": 35.04, "nginx": 12.0, "client": 80.0},
        cpu_per_delivery=results.cpu_per_delivery_us(
            {"backend": 10.0, "nginx": 20.0, "client": 30.0}, {"backend": 10.2, "nginx": 20.25, "client": 30.1}, 5_000
        ),
        client=results.client_load([{"cpu_s": 1.0, "wall_s": 4.0, "loop_lag_ms": 12.5}]),
    )
    record.update(overrides)
    return record


def test_a_step_records_growth_per_connection_over_the_baseline():
    record = step()
    assert record["backend_kib_per_connection"] == 30
    assert record["nginx_kib_per_connection"] == 12
    assert record["delivery_ms"] == {"p50": 10.0, "p99": 900.0}
    assert record["delivered"] == record["expected"] == 5_000
    assert record["cpu_percent"] == {"backend": 35.0, "nginx": 12.0, "client": 80.0}


def test_each_sides_cpu_over_the_deliveries_is_spread_over_the_messages_delivered():
    # 0.2, 0.25 and 0.1 CPU seconds for 5,000 deliveries: 40, 50 and 20 µs each.
    assert step()["cpu_us_per_delivery"] == {"backend": 40.0, "nginx": 50.0, "client": 20.0, "total": 110.0}
    assert "CPU per delivery 110 µs (backend 40, nginx 50, clients 20)" in results.step_line("fastapi", "poll", step())
    assert results.cpu_per_delivery_us({"backend": 1.0}, {"backend": 2.0}, 0) is None
    assert "CPU per delivery" not in results.step_line("fastapi", "poll", step(cpu_us_per_delivery=None))


def test_the_busiest_client_decides_whether_the_latencies_are_the_clients():
    idle = {"cpu_s": 1.0, "wall_s": 10.0, "loop_lag_ms": 20.0}
    busy = {"cpu_s": 9.0, "wall_s": 10.0, "loop_lag_ms": 4_000.0}
    assert results.client_load([idle]) == {"cpu_share": 0.1, "loop_lag_ms": 20.0, "saturated": False}
    assert results.client_load([idle, busy]) == {"cpu_share": 0.9, "loop_lag_ms": 4_000.0, "saturated": True}
    # A client that answered without its own count (an older image) leaves the figures unknown.
    assert results.client_load([{"latencies_ms": []}]) == {"cpu_share": None, "loop_lag_ms": None, "saturated": False}
    # Everything had arrived before the wait began: no figure, not "100% busy".
    instant = {"cpu_s": 0.001, "wall_s": 0.001, "loop_lag_ms": 0.0}
    assert results.client_load([instant]) == {"cpu_share": None, "loop_lag_ms": None, "saturated": False}


def test_a_saturated_client_is_flagged_where_the_step_is_printed():
    calm = results.step_line("fastapi", "websocket", step())
    assert "client 25% CPU, loop lag 12 ms" in calm and "saturated" not in calm
    busy = step(client_load=results.client_load([{"cpu_s": 9.5, "wall_s": 10.0, "loop_lag_ms": 3_000.0}]))
    assert "WARNING: client CPU saturated" in results.step_line("fastapi", "websocket", busy)


def test_nothing_held_has_no_figure_per_connection():
    assert results.per_connection_kib(2**20, 0, 0) is None


@pytest.mark.parametrize(
    ("overrides", "limit"),
    [({}, False), ({"refused": 1}, True), ({"errors": 1}, True), ({"delivered": 4_999}, True)],
)
def test_a_series_stops_at_a_refusal_an_error_or_a_lost_delivery(overrides, limit):
    assert results.at_limit(step(**overrides)) is limit


def test_a_refusal_after_the_ramp_turns_a_held_poll_into_a_refused_one():
    # A poll counts as held once sent; on a slow host the edge's 503 may come
    # after the ramp's settling time, and the collect reports it.
    ramped = [{"held": 8, "refused": 0, "errors": 0}, {"held": 8, "refused": 0, "errors": 0}]
    collected = [{"refused": 1, "errors": 0}, {"refused": 0, "errors": 0}]
    assert results.step_counts(ramped, collected) == {"held": 15, "refused": 1, "errors": 0}


def test_refusals_and_errors_seen_at_the_ramp_are_kept():
    ramped = [{"held": 15, "refused": 1, "errors": 2}]
    assert results.step_counts(ramped, [{"refused": 1, "errors": 2}]) == {"held": 15, "refused": 1, "errors": 2}
    # A held connection that drops later is an error, and stays counted as held.
    assert results.step_counts(ramped, [{"refused": 1, "errors": 3}]) == {"held": 15, "refused": 1, "errors": 3}


def test_the_summary_has_the_shape_the_report_pages_read():
    record = results.summary(
        "2026-11-26T12:00:00+00:00",
        {"commit": "abc123", "dirty": True},
        {"cpus": 2, "memory_bytes": 8 * 2**30, "name": "lab"},
        [{"backend": "fastapi", "kind": "websocket", "steps": [step()]}],
    )
    assert record["kind"] == "capacity"
    assert record["host"] == {"cores": 2, "memory_bytes": 8 * 2**30}
    assert (record["commit"], record["dirty"]) == ("abc123", True)
    (only,) = json.loads(json.dumps(record))["runs"][0]["steps"]
    assert set(only) >= {
        "target",
        "held",
        "refused",
        "errors",
        "delivery_ms",
        "backend_memory_bytes",
        "nginx_memory_bytes",
        "backend_kib_per_connection",
        "nginx_kib_per_connection",
        "cpu_percent",
        "cpu_us_per_delivery",
        "client_load",
    }


def test_a_run_writes_its_summary_the_capacity_page_with_its_chart_and_the_index(tmp_path):
    record = results.summary(
        "20261126T120000Z",
        {"commit": "abc123", "dirty": False},
        {"cpus": 2, "memory_bytes": 8 * 2**30},
        [{"backend": "fastapi", "kind": "websocket", "steps": [step()]}],
    )
    run_dir = tmp_path / "conns-20261126T120000Z"
    run_dir.mkdir()
    run.write_outputs(tmp_path, run_dir, record)
    assert json.loads((run_dir / "summary.json").read_text()) == record
    page = (run_dir / "report.html").read_text()
    # The chart of connections held against memory, as bench/capacity_html.py draws it, and the step.
    assert '<section id="kind-websocket" data-kind="websocket">' in page and "<svg" in page
    assert "<td>1,000</td>" in page and "<td>30.0</td>" in page
    assert "<td>40 + 50 + 20 = 110</td>" in page and "<td>25%, 12 ms</td>" in page
    assert (tmp_path / "conns-latest").resolve() == run_dir.resolve()
    assert 'href="conns-20261126T120000Z/report.html"' in (tmp_path / "index.html").read_text()


class FakeClient:
    """A client container that records the commands it is sent, in one shared log."""

    def __init__(self, log: list, held: int) -> None:
        self.log, self.held, self.last = log, held, None
        self.next_id = 100

    def send(self, command: dict) -> None:
        self.log.append((id(self), command["cmd"]))
        self.last = command

    def receive(self, event: str, timeout: float) -> dict:
        if event == "posted":
            self.next_id += 1
            return {"event": "posted", "ids": [self.next_id]}
        return {"event": "collected", "latencies_ms": [1.0] * self.last["expected"], "errors": 0, "refused": 0}


def test_each_message_is_delivered_everywhere_before_the_next_is_posted():
    log: list = []
    clients = [FakeClient(log, 3), FakeClient(log, 2)]
    ramped = [{"held": 3}, {"held": 2}]
    rounds = [run.deliver_one(clients, ramped, wait_s=1) for _ in range(2)]  # type: ignore[arg-type]
    first, second = id(clients[0]), id(clients[1])
    post, collect = "post", "collect"
    assert log == [(first, post), (first, collect), (second, collect)] * 2
    assert [message_id for message_id, _ in rounds] == [101, 102]
    assert [len(answer["latencies_ms"]) for _, answers in rounds for answer in answers] == [3, 2, 3, 2]


def test_each_sides_cpu_sums_its_containers_and_leaves_the_others_out(monkeypatch):
    seconds = {"fastapi-1": 1.5, "fastapi-2": 0.5, "nginx-1": 3.0, "client-a": 0.25, "client-b": 0.75, "db-1": 9.0}
    monkeypatch.setattr(run.container_cpu, "read", seconds.__getitem__)
    containers = {
        "fastapi-1": "fastapi",
        "fastapi-2": "fastapi",  # a second replica
        "nginx-1": "nginx",
        "client-a": run.SERVICE,
        "client-b": run.SERVICE,
        "db-1": "db",
    }
    assert run.sides_cpu(containers, "fastapi") == {"backend": 2.0, "nginx": 3.0, "client": 1.0}
