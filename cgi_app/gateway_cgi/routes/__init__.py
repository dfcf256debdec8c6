"""PATH_INFO → HTTP method → "module:function" in this package, one module per row of docs/contract.md.

Handlers are named, not imported, so a request imports only the module it
needs: /hello never pays for importing psycopg.
"""

ROUTES: dict[str, dict[str, str]] = {
    "/": {"GET": "about:backend_page"},
    "/info": {"GET": "about:process_info"},
    "/hello": {"GET": "greetings:hello"},
    "/json": {"GET": "greetings:json_message"},
    "/db": {"GET": "world:single_query"},
    "/queries": {"GET": "world:multiple_queries"},
    "/fortunes": {"GET": "fortunes:fortunes_page"},
    "/io": {"GET": "slow_io:wait"},
    "/messages": {"GET": "messages:latest_messages", "POST": "messages:create_message"},
    "/healthz": {"GET": "health:healthz"},
    "/poll": {"GET": "poll:poll"},
}
