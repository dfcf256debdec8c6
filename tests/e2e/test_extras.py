"""What only one backend offers: FastAPI's docs, WebSocket and SSE; Django's admin."""

import asyncio
import json
import re
import time

import pytest
import websockets

from tests.conftest import PUBLIC_ORIGIN, edge_client, edge_websocket, read_secret, run_async


def test_openapi_schema_lists_the_contract_under_the_prefix(client):
    schema = client.get("/fastapi/openapi.json").json()
    assert {"/hello", "/db", "/messages"} <= set(schema["paths"])
    assert schema.get("servers", [{}])[0].get("url") == "/fastapi"


def test_docs_page_and_all_its_assets_come_from_the_stack(client):
    page = client.get("/fastapi/docs")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert any(asset.endswith(".js") for asset in assets)
    for asset in assets:
        assert asset.startswith("/"), f"asset from outside the stack: {asset}"
        assert client.get(asset).status_code == 200, asset
    assert "/fastapi/openapi.json" in page.text


@pytest.mark.parametrize("backend", ["fastapi", "asgi", "django-asgi"])
def test_websocket_echo_through_the_edge(ca_file, backend):
    async def exchange() -> list[str]:
        async with edge_websocket(ca_file, f"{backend}/ws/echo") as ws:
            replies = []
            for text in ("ping", "héllo wörld"):
                await ws.send(text)
                replies.append(await asyncio.wait_for(ws.recv(), 5))
            return replies

    replies = run_async(exchange())
    assert ["ping" in replies[0], "héllo wörld" in replies[1]] == [True, True]


# Longer than the edge's proxy timeouts for other requests (snippets/proxy/timeouts.conf: 30 s).
IDLE_S = 35


def test_an_idle_websocket_outlives_the_edges_timeout_for_other_requests(ca_file):
    """A held WebSocket is silent between the server's pings (every 50 s): the edge's
    WebSocket locations wait longer than its 30 s for anything else
    (snippets/proxy/websocket-timeouts.conf). The client sends no pings of its own,
    whose pongs would reset the edge's timer. The three backends wait side by side."""

    async def idle_then_echo(backend: str) -> str:
        async with edge_websocket(ca_file, f"{backend}/ws/echo", ping_interval=None) as ws:
            await asyncio.sleep(IDLE_S)
            await ws.send("still here")
            return await asyncio.wait_for(ws.recv(), 5)

    async def all_backends() -> list[str | BaseException]:
        backends = ["fastapi", "asgi", "django-asgi"]
        return await asyncio.gather(*map(idle_then_echo, backends), return_exceptions=True)

    outcomes = run_async(all_backends())
    assert ["still here" in str(outcome) for outcome in outcomes] == [True] * 3, outcomes


def test_message_feed_pushes_a_message_posted_through_the_edge(ca_file, client):
    text = f"live {time.monotonic()}"

    async def exchange() -> tuple[dict, dict]:
        async with edge_websocket(ca_file, "asgi/ws/messages") as ws:
            await asyncio.sleep(0.3)  # subscribed before the message is stored
            # Any Uvicorn worker may store it: the feed reaches the others through PostgreSQL.
            created = await asyncio.to_thread(client.post, "/asgi/messages", json={"author": "feed", "text": text})
            return created.json(), json.loads(await asyncio.wait_for(ws.recv(), 5))

    posted, pushed = run_async(exchange())
    assert pushed == posted
    assert pushed["text"] == text


@pytest.mark.parametrize("backend", ["wsgi", "django", "cgi"])
def test_websocket_is_refused_by_wsgi_and_cgi_with_a_json_reason(ca_file, backend):
    async def handshake() -> None:
        async with edge_websocket(ca_file, f"{backend}/ws/echo"):
            pass

    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        run_async(handshake())
    response = refused.value.response
    assert response.status_code == 400
    assert "WebSocket" in json.loads(response.body)["error"]


def test_websocket_to_an_unknown_path_of_django_asgi_is_a_json_404(ca_file):
    async def handshake() -> None:
        async with edge_websocket(ca_file, "django-asgi/ws/nope"):
            pass

    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        run_async(handshake())
    assert refused.value.response.status_code == 404
    assert json.loads(refused.value.response.body) == {"error": "not found"}


@pytest.mark.parametrize("backend", ["fastapi", "asgi"])
def test_server_sent_events_arrive_one_by_one_through_the_edge(client, backend):
    arrivals: list[float] = []
    with client.stream("GET", f"/{backend}/events?n=3&interval_ms=400") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data:"):
                arrivals.append(time.monotonic())
    assert len(arrivals) == 3
    # Unbuffered: the events are spread over time, not delivered in one burst at the end.
    assert arrivals[-1] - arrivals[0] >= 0.6


def test_admin_redirects_to_login_under_the_prefix(client):
    response = client.get("/django/admin/")
    assert response.status_code == 302
    assert response.headers["location"].startswith("/django/admin/login/")


def test_admin_static_files_are_served_by_nginx(client):
    login = client.get("/django/admin/login/")
    stylesheets = re.findall(r'href="(/static/django/[^"]+\.css)"', login.text)
    assert stylesheets
    response = client.get(stylesheets[0])
    assert response.status_code == 200
    assert "max-age=2592000" in response.headers["cache-control"]  # from nginx's static location


def test_admin_login_with_the_generated_password(ssl_context):
    password = read_secret("/run/secrets/gateway/django_admin_password")
    with edge_client(ssl_context, follow_redirects=False) as browser:
        form = browser.get("/django/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token
        response = browser.post(
            "/django/admin/login/?next=/django/admin/",
            data={"csrfmiddlewaretoken": token.group(1), "username": "admin", "password": password},
            headers={"Referer": f"{PUBLIC_ORIGIN}/django/admin/login/", "Origin": PUBLIC_ORIGIN},
        )
        assert response.status_code == 302, response.text[:500]
        assert response.headers["location"] == "/django/admin/"
        index = browser.get("/django/admin/")
        assert index.status_code == 200
        for model in ("Worlds", "Fortunes", "Messages"):
            assert model in index.text


@pytest.mark.parametrize("path", ["/django/admin/login/", "/fastapi/docs", "/django-asgi/"])
def test_generated_links_carry_the_prefix(client, path):
    text = client.get(path).text
    links = re.findall(r"""(?:href|action|src)=["']([^"'#][^"']*)["']""", text)
    assert links, f"no link found on {path}"
    for link in links:
        # Absolute paths under a prefix, or URLs of this very site: never a bare /admin/ or /docs.
        local = link.removeprefix(PUBLIC_ORIGIN)
        assert local.startswith(("/django/", "/fastapi/", "/django-asgi/", "/static/")), link
