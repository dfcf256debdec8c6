"""Gateway Lab's raw ASGI backend: one plain `application(scope, receive, send)`
under Uvicorn workers, mounted at /asgi, with no framework in between."""
