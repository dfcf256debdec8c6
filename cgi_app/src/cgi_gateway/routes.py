"""PATH_INFO → HTTP method → handler, named as "module:function" under cgi_gateway.handlers.

Handlers are named, not imported, so a request imports only the module it
needs: /hello never pays for importing psycopg.
"""

ROUTES: dict[str, dict[str, str]] = {
    "/": {"GET": "index:backend_page"},
    "/hello": {"GET": "greetings:hello"},
    "/json": {"GET": "greetings:json_message"},
    "/db": {"GET": "world:single_query"},
    "/queries": {"GET": "world:multiple_queries"},
    "/fortunes": {"GET": "fortunes:fortunes_page"},
    "/io": {"GET": "blocking_io:wait"},
    "/info": {"GET": "info:process_info"},
    "/messages": {"GET": "messages:latest_messages", "POST": "messages:create_message"},
    "/healthz": {"GET": "health:healthz"},
}
