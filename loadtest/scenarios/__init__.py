"""Locust scenarios for Gateway Lab: one user class per backend and per server
matrix variant, the edge's static file, the ASGI backends' WebSocket echo and
the waiting clients (long polling, SSE, broadcast WebSocket)."""
