"""Accounts: who is calling, credits and quotas, usage, rate limits, idempotency keys, analytics."""
