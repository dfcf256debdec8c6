"""Headless benchmark runner for Gateway Lab (host side, standard library only).

Walks the matrix backend x workload through the edge and directly against the
app servers, one Locust run per cell, and writes reports/<timestamp>/.
"""
