"""`make bench-conns`: held connections (long poll, SSE, WebSocket) per backend, in steps."""
