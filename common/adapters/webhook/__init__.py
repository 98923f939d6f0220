"""The webhook publisher: signed HTTPS POSTs to a user's own endpoint."""
