"""Offline-first sync with the provincial system: wire payloads, outbox engine, HTTP client, reference server."""
