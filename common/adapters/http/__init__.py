"""Outbound HTTP: the SSRF-hardened client for URLs users give us."""
