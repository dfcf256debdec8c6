"""Locust scenarios for Gateway Lab: one user class per backend, the edge's
static file and the FastAPI WebSocket echo."""
