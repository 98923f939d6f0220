# Cloud Functions (2nd gen) for every target of main.py: `api`, one per pipeline step, and
# `scheduler_tick`. All are built by Cloud Build from one zip of the repository (storage.tf).
#
# Step URLs: Cloud Tasks posts each step to "${STORYGENIUS_FUNCTIONS_BASE_URL}/<step>". A 2nd gen
# function also answers at https://REGION-PROJECT.cloudfunctions.net/<function name>, so naming
# each step function after its target puts all of them behind that one base URL.

locals {
  functions_base_url = "https://${var.region}-${var.project}.cloudfunctions.net"
  assemble_job_name  = "${var.prefix}-assemble"

  # The environment every Story-Genius process reads (common/config.py Settings.from_env): the
  # functions and the assembly job get the same, so they agree on every backend and name.
  runtime_env = {
    STORYGENIUS_STORE                 = "firestore"
    STORYGENIUS_BLOBS                 = "gcs"
    STORYGENIUS_QUEUE                 = "cloudtasks"
    STORYGENIUS_RUNNER                = "cloudrun"
    STORYGENIUS_SCRIPT                = var.script_provider
    STORYGENIUS_IMAGES                = var.images_provider
    STORYGENIUS_VIDEO                 = var.video_provider
    STORYGENIUS_VOICE                 = var.voice_provider
    STORYGENIUS_AUTH                  = var.auth
    STORYGENIUS_ALLOW_DEV_AUTH        = tostring(var.allow_dev_auth)
    STORYGENIUS_MAX_ATTEMPTS          = tostring(var.max_attempts)
    GOOGLE_CLOUD_PROJECT              = var.project
    STORYGENIUS_REGION                = var.region
    STORYGENIUS_BUCKET                = google_storage_bucket.media.name
    STORYGENIUS_TASKS_QUEUE_PREFIX    = var.tasks_queue_prefix
    STORYGENIUS_FUNCTIONS_BASE_URL    = local.functions_base_url
    STORYGENIUS_TASKS_SERVICE_ACCOUNT = google_service_account.tasks.email
    STORYGENIUS_ASSEMBLE_JOB          = local.assemble_job_name
    STORYGENIUS_ASSEMBLY_MAX_TASKS    = tostring(var.assemble_max_tasks)
    # Steps are private (run.invoker: the tasks account only, below): Cloud Run checks each
    # task's OIDC token and strips its signature; the step still checks its claims
    # (common/services/accounts/step_callers.py).
    STORYGENIUS_STEPS_BEHIND_IAM = "true"
    # Secrets at rest are sealed under this Cloud KMS key (infra/terraform/secrets.tf).
    STORYGENIUS_KMS_KEY         = google_kms_crypto_key.secrets.id
    STORYGENIUS_PUBLIC_BASE_URL = var.public_base_url
    STORYGENIUS_TIKTOK_AUDITED  = tostring(var.tiktok_audited)
    # One trace per job: spans kept with the job (GET /v1/jobs/{id}/trace) and sent to Cloud
    # Trace through the Telemetry (OTLP) API; job metrics to Cloud Monitoring (iam.tf grants).
    STORYGENIUS_TRACE_EXPORT   = "store,cloudtrace"
    STORYGENIUS_METRICS_EXPORT = "cloudmonitoring"
  }

  # One function per step of the registry (common/domain/steps.py), with the resources it
  # declares (tests/unit/test_infra_consistency.py compares them).
  # cpu = null takes the default for the memory (256M: 0.167 vCPU, 512M: 0.333).
  steps = {
    # one Gemini call, or the offline story writer
    step_script = { memory = "512M", cpu = null, timeout_s = 120, max_instances = 10 }
    # paints the character references (offline painter: CPU bound) or calls Gemini image
    step_references = { memory = "1Gi", cpu = "1", timeout_s = 300, max_instances = 10 }
    # one ElevenLabs call (or espeak-ng) per scene; the queue caps concurrency anyway
    step_narration = { memory = "512M", cpu = null, timeout_s = 120, max_instances = 10 }
    # paints one keyframe per scene, like step_references
    step_keyframe = { memory = "1Gi", cpu = "1", timeout_s = 300, max_instances = 20 }
    # starts or polls a Veo operation and returns; never waits for the video
    step_clip = { memory = "512M", cpu = null, timeout_s = 60, max_instances = 20 }
    # only starts a Cloud Run job execution
    step_assemble = { memory = "256M", cpu = null, timeout_s = 60, max_instances = 5 }
    # publishes a scheduled video (link, webhook), or posts it to one platform: the video is
    # downloaded to /tmp (memory) and uploaded in chunks
    step_publish = { memory = "1Gi", cpu = null, timeout_s = 600, max_instances = 10 }
  }

  secret_env_key = "ELEVENLABS_API_KEY"
}

resource "google_cloudfunctions2_function" "api" {
  name     = "api"
  location = var.region

  build_config {
    runtime           = "python311"
    entry_point       = "api"
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.images.id
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = "512M"
    available_cpu                    = "1" # several requests per instance need a whole vCPU
    max_instance_request_concurrency = 8
    timeout_seconds                  = 60
    min_instance_count               = 0
    max_instance_count               = 20
    ingress_settings                 = "ALLOW_ALL"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.api.email
    environment_variables            = local.runtime_env

    secret_environment_variables {
      key        = local.secret_env_key
      project_id = var.project
      secret     = google_secret_manager_secret.elevenlabs.secret_id
      version    = "latest"
    }

    # The OAuth clients of the platforms in var.platforms (infra/terraform/secrets.tf).
    dynamic "secret_environment_variables" {
      for_each = local.oauth_env
      content {
        key        = secret_environment_variables.key
        project_id = var.project
        secret     = google_secret_manager_secret.oauth[secret_environment_variables.key].secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_project_service.apis,
    google_secret_manager_secret_iam_member.elevenlabs_reader,
    google_secret_manager_secret_iam_member.oauth_reader,
    google_kms_crypto_key_iam_member.secrets_user,
    google_secret_manager_secret_version.elevenlabs_placeholder,
    google_storage_bucket_iam_member.build_reads_source,
    google_artifact_registry_repository_iam_member.build_pushes_images,
    google_project_iam_member.build_logs,
  ]
}

resource "google_cloudfunctions2_function" "step" {
  for_each = local.steps

  name     = each.key
  location = var.region

  build_config {
    runtime           = "python311"
    entry_point       = each.key
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.images.id
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = each.value.memory
    available_cpu                    = each.value.cpu
    max_instance_request_concurrency = 1
    timeout_seconds                  = each.value.timeout_s
    min_instance_count               = 0
    max_instance_count               = each.value.max_instances
    ingress_settings                 = var.step_ingress
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.steps.email
    environment_variables            = local.runtime_env

    secret_environment_variables {
      key        = local.secret_env_key
      project_id = var.project
      secret     = google_secret_manager_secret.elevenlabs.secret_id
      version    = "latest"
    }

    # The OAuth clients of the platforms in var.platforms (infra/terraform/secrets.tf).
    dynamic "secret_environment_variables" {
      for_each = local.oauth_env
      content {
        key        = secret_environment_variables.key
        project_id = var.project
        secret     = google_secret_manager_secret.oauth[secret_environment_variables.key].secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_project_service.apis,
    google_secret_manager_secret_iam_member.elevenlabs_reader,
    google_secret_manager_secret_iam_member.oauth_reader,
    google_kms_crypto_key_iam_member.secrets_user,
    google_secret_manager_secret_version.elevenlabs_placeholder,
    google_storage_bucket_iam_member.build_reads_source,
    google_artifact_registry_repository_iam_member.build_pushes_images,
    google_project_iam_member.build_logs,
  ]
}

resource "google_cloudfunctions2_function" "scheduler_tick" {
  name     = "scheduler_tick"
  location = var.region

  build_config {
    runtime           = "python311"
    entry_point       = "scheduler_tick"
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.images.id
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory               = "256M"
    timeout_seconds                = 60
    min_instance_count             = 0
    max_instance_count             = 1 # one tick at a time
    ingress_settings               = var.step_ingress
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.api.email
    environment_variables          = local.runtime_env

    secret_environment_variables {
      key        = local.secret_env_key
      project_id = var.project
      secret     = google_secret_manager_secret.elevenlabs.secret_id
      version    = "latest"
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.tick.id
    service_account_email = google_service_account.events.email
    # A missed tick is replaced by the next one a minute later; retrying stale ticks piles up.
    retry_policy = "RETRY_POLICY_DO_NOT_RETRY"
  }

  depends_on = [
    google_project_service.apis,
    google_secret_manager_secret_iam_member.elevenlabs_reader,
    google_secret_manager_secret_version.elevenlabs_placeholder,
    google_storage_bucket_iam_member.build_reads_source,
    google_artifact_registry_repository_iam_member.build_pushes_images,
    google_project_iam_member.build_logs,
  ]
}

# Who may call what. 2nd gen functions are Cloud Run services: run.invoker on the service decides.

# The API is public; it authenticates every request itself (Firebase ID tokens).
resource "google_cloud_run_service_iam_member" "api_public" {
  location = var.region
  service  = google_cloudfunctions2_function.api.service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Steps: only the tasks service account (the OIDC token every task carries).
resource "google_cloud_run_service_iam_member" "step_invoker" {
  for_each = local.steps

  location = var.region
  service  = google_cloudfunctions2_function.step[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.tasks.email}"
}

# The tick: only Eventarc's push subscription, as the events account.
resource "google_cloud_run_service_iam_member" "tick_invoker" {
  location = var.region
  service  = google_cloudfunctions2_function.scheduler_tick.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}
