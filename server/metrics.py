"""Prometheus metrics, in a registry of the server's own (not the process-global one)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.connections = Gauge("yoriai_connections", "Open WebSocket connections", registry=r)
        self.online = Gauge(
            "yoriai_people_online", "People with at least one connection", registry=r
        )
        self.requests = Counter(
            "yoriai_requests_total", "Requests handled, by type", ["type"], registry=r
        )
        self.errors = Counter(
            "yoriai_errors_total", "Error replies sent, by code", ["code"], registry=r
        )
        self.logins = Counter(
            "yoriai_logins_total", "Sign-in attempts, by result", ["result"], registry=r
        )
        self.events = Counter("yoriai_events_total", "Events fanned out", registry=r)
        self.frames_out = Counter("yoriai_frames_out_total", "Frames written", registry=r)
        self.latency = Histogram(
            "yoriai_request_seconds",
            "Time to handle a request",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
            registry=r,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
