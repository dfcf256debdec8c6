#!/usr/bin/python3 -IS
"""GET /cgi/floor: the smallest Python CGI program, so every report shows the bare
cost of fork + exec + interpreter start beside the real rows.

-I: no environment variables, no script directory or user site on sys.path;
-S: no `site` module, so no site-packages scan. (One shebang argument: Linux
passes everything after the interpreter as a single word, hence -IS.)
It reads nothing and imports nothing: sys is built into the interpreter.
https://docs.python.org/3/using/cmdline.html#cmdoption-I
"""

import sys

sys.stdout.buffer.write(
    b"Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 16\r\n\r\nHello, CGI World"
)
