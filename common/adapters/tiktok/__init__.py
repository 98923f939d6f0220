"""TikTok: Login Kit OAuth 2 and the Content Posting API, over plain HTTP (no official SDK)."""
