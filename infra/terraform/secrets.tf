# Secrets at rest and the platforms' OAuth clients.
#
# Envelope encryption (common/services/accounts/secrets.py): every webhook secret and OAuth token
# is encrypted with its own data key, and the data key is wrapped by this Cloud KMS key, which
# never leaves KMS. The runtime accounts may encrypt and decrypt with it, nothing else.
#
# The platforms' OAuth client ids and secrets live in Secret Manager; a platform is wired into
# the functions once it is listed in var.platforms (add the secret versions first:
# infra/README.md), so an unconfigured platform refuses to connect instead of using a placeholder.

locals {
  platform_secrets = {
    youtube = {
      STORYGENIUS_YOUTUBE_CLIENT_ID     = "youtube-client-id"
      STORYGENIUS_YOUTUBE_CLIENT_SECRET = "youtube-client-secret"
    }
    tiktok = {
      STORYGENIUS_TIKTOK_CLIENT_KEY    = "tiktok-client-key"
      STORYGENIUS_TIKTOK_CLIENT_SECRET = "tiktok-client-secret"
    }
    instagram = {
      STORYGENIUS_INSTAGRAM_CLIENT_ID     = "instagram-client-id"
      STORYGENIUS_INSTAGRAM_CLIENT_SECRET = "instagram-client-secret"
    }
  }
  # env var -> secret name, for every platform (the secrets exist whether wired or not).
  oauth_secrets = merge(values(local.platform_secrets)...)
  # env var -> secret name, for the platforms the functions are given.
  oauth_env = merge([for p in var.platforms : local.platform_secrets[p]]...)
}

resource "google_kms_key_ring" "secrets" {
  name     = "${var.prefix}-secrets"
  location = var.region

  depends_on = [google_project_service.apis]
}

resource "google_kms_crypto_key" "secrets" {
  name            = "secrets"
  key_ring        = google_kms_key_ring.secrets.id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = "7776000s" # 90 days; older versions stay to decrypt what they wrapped

  lifecycle {
    prevent_destroy = true # destroying it loses every sealed token and webhook secret
  }
}

resource "google_kms_crypto_key_iam_member" "secrets_user" {
  for_each      = local.runtime_members
  crypto_key_id = google_kms_crypto_key.secrets.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = each.value
}

resource "google_secret_manager_secret" "oauth" {
  for_each  = local.oauth_secrets
  secret_id = "${var.prefix}-${each.value}"

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

# The API (connect, callback, disconnect) and the steps (posting, token refresh) read them.
resource "google_secret_manager_secret_iam_member" "oauth_reader" {
  for_each = {
    for pair in setproduct(keys(local.oauth_secrets), ["api", "steps"]) :
    "${pair[0]}-${pair[1]}" => { env = pair[0], member = local.runtime_members[pair[1]] }
  }
  secret_id = google_secret_manager_secret.oauth[each.value.env].id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value.member
}
