# The assembly job (Cloud Run job, image from infra/docker/assemble.Dockerfile) and the
# ElevenLabs key it and the functions read from Secret Manager.

resource "google_secret_manager_secret" "elevenlabs" {
  secret_id = "${var.prefix}-elevenlabs-api-key"

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

# Functions refuse to deploy with a secret that has no version, so terraform creates a
# placeholder; the real key is added with `gcloud secrets versions add` (infra/README.md) and
# never passes through terraform state. With the offline voice the placeholder is never used.
resource "google_secret_manager_secret_version" "elevenlabs_placeholder" {
  secret      = google_secret_manager_secret.elevenlabs.id
  secret_data = "not-set"

  lifecycle {
    ignore_changes = [secret_data, enabled]
  }
}

resource "google_cloud_run_v2_job" "assemble" {
  name                = local.assemble_job_name
  location            = var.region
  deletion_protection = false # holds no data; the video lands in the bucket

  template {
    # An execution asks for its own task count (CloudRunJobRunner: one per 15 s of video, at
    # most assemble_max_tasks); each task encodes its share of the segments and the last one
    # joins the video (common/services/pipeline/assembly_tasks.py). All of them run at once.
    task_count  = 1
    parallelism = var.assemble_max_tasks

    template {
      service_account       = google_service_account.assemble.email
      timeout               = "${var.assemble_timeout_s}s"
      max_retries           = var.assemble_max_retries
      execution_environment = "EXECUTION_ENVIRONMENT_GEN2"

      containers {
        image = local.assemble_image
        # The entrypoint is `python -m functions.assemble_job`; each execution's args
        # (--job-id ID) are set by CloudRunJobRunner.run_assembly as an override.

        resources {
          # ffmpeg encodes on every core; the working files live in /tmp, which is memory.
          limits = {
            cpu    = "4"
            memory = "8Gi"
          }
        }

        dynamic "env" {
          for_each = local.runtime_env
          content {
            name  = env.key
            value = env.value
          }
        }

        env {
          name = local.secret_env_key
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.elevenlabs.secret_id
              version = "latest"
            }
          }
        }
      }
    }
  }

  depends_on = [
    google_project_service.apis,
    google_secret_manager_secret_iam_member.elevenlabs_reader,
    google_secret_manager_secret_version.elevenlabs_placeholder,
  ]
}
