"""Gateway Lab's raw WSGI backend: one plain `application(environ, start_response)`
(PEP 3333) under Gunicorn, mounted at /wsgi, with no framework in between."""
