"""Connected accounts: each platform's OAuth client, built from settings (a platform without
a client id and secret refuses to connect, naming the setting)."""

from __future__ import annotations

from common.config import Settings
from common.ports import Clock, DocumentStore
from common.ports.oauth import OAuthClient
from common.services.accounts.connections import ConnectionService
from common.services.accounts.secrets import SecretBox

CALLBACK_PATH = "/v1/oauth/callback"
# Where `make serve` listens: the redirect URI to register for local use.
DEFAULT_PUBLIC_BASE_URL = "http://localhost:8080"


def oauth_clients(settings: Settings) -> dict[str, OAuthClient]:
    from common.adapters.instagram.oauth import InstagramOAuth
    from common.adapters.tiktok.oauth import TikTokOAuth
    from common.adapters.youtube.oauth import GoogleOAuth

    s, timeout = settings, settings.platform_timeout_s
    return {
        "youtube": GoogleOAuth(
            s.youtube_client_id, s.youtube_client_secret, base_url=s.youtube_base_url,
            timeout_s=timeout,
        ),
        "tiktok": TikTokOAuth(
            s.tiktok_client_key, s.tiktok_client_secret, base_url=s.tiktok_base_url,
            timeout_s=timeout,
        ),
        "instagram": InstagramOAuth(
            s.instagram_client_id, s.instagram_client_secret, base_url=s.instagram_base_url,
            timeout_s=timeout,
        ),
    }  # fmt: skip


def build_connections(
    settings: Settings, store: DocumentStore, clock: Clock, box: SecretBox
) -> ConnectionService:
    return ConnectionService(
        store=store,
        clock=clock,
        box=box,
        clients=oauth_clients(settings),
        redirect_uri=(settings.public_base_url or DEFAULT_PUBLIC_BASE_URL).rstrip("/")
        + CALLBACK_PATH,
    )
