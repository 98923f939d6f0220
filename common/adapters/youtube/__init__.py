"""YouTube: Google OAuth 2 (with PKCE) and the Data API v3 through google-api-python-client."""
