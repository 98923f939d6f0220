# Service accounts, one per role in the pipeline, each granted only what that role does.
#
#   api       runtime of `api` and `scheduler_tick`: documents, media, enqueue steps, sign URLs
#   steps     runtime of the step functions: documents, media, Vertex AI, enqueue, start assembly,
#             sign the links of published videos
#   tasks     the OIDC identity Cloud Tasks presents to the steps: may invoke the steps, nothing else
#   assemble  runtime of the Cloud Run job: documents, and objects in the media bucket only
#   events    the identity Eventarc presents to scheduler_tick: may invoke it, nothing else
#   build     builds the functions (Cloud Build): reads the source zip, pushes images, writes logs

resource "google_service_account" "api" {
  account_id   = "${var.prefix}-api"
  display_name = "Story-Genius API and calendar tick"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "steps" {
  account_id   = "${var.prefix}-steps"
  display_name = "Story-Genius pipeline steps"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "tasks" {
  account_id   = "${var.prefix}-tasks"
  display_name = "Story-Genius Cloud Tasks invoker (OIDC)"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "assemble" {
  account_id   = "${var.prefix}-assemble"
  display_name = "Story-Genius assembly job"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "events" {
  account_id   = "${var.prefix}-events"
  display_name = "Story-Genius Eventarc invoker of scheduler_tick"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "build" {
  account_id   = "${var.prefix}-build"
  display_name = "Story-Genius function builds"
  depends_on   = [google_project_service.apis]
}

locals {
  # Accounts that run Story-Genius code (every one builds Settings, so every one reads the
  # documents and the ElevenLabs key).
  runtime_members = {
    api      = "serviceAccount:${google_service_account.api.email}"
    steps    = "serviceAccount:${google_service_account.steps.email}"
    assemble = "serviceAccount:${google_service_account.assemble.email}"
  }
  # Accounts that enqueue step tasks.
  enqueuer_members = {
    api   = "serviceAccount:${google_service_account.api.email}"
    steps = "serviceAccount:${google_service_account.steps.email}"
  }
}

# Every process traces the job it works on (Cloud Trace through the Telemetry API) and the
# process that ends a job writes its metrics (Cloud Monitoring).
resource "google_project_iam_member" "telemetry_writer" {
  for_each = {
    for pair in setproduct(["roles/cloudtrace.agent", "roles/monitoring.metricWriter"], keys(local.runtime_members)) :
    "${pair[0]}-${pair[1]}" => { role = pair[0], member = local.runtime_members[pair[1]] }
  }
  project = var.project
  role    = each.value.role
  member  = each.value.member
}

# Firestore has no per-collection IAM; security rules guard clients, this guards servers.
resource "google_project_iam_member" "firestore_user" {
  for_each = local.runtime_members
  project  = var.project
  role     = "roles/datastore.user"
  member   = each.value
}

# Media objects: read, write, overwrite, delete, in this bucket only (no project-wide storage role).
resource "google_storage_bucket_iam_member" "media_objects" {
  for_each = local.runtime_members
  bucket   = google_storage_bucket.media.name
  role     = "roles/storage.objectUser"
  member   = each.value
}

resource "google_secret_manager_secret_iam_member" "elevenlabs_reader" {
  for_each  = local.runtime_members
  secret_id = google_secret_manager_secret.elevenlabs.id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value
}

# Gemini and Veo are called by the steps only.
resource "google_project_iam_member" "steps_vertex" {
  project = var.project
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.steps.email}"
}

# Enqueue on the pipeline's queues only.
resource "google_cloud_tasks_queue_iam_member" "enqueuer" {
  for_each = {
    for pair in setproduct(keys(local.queues), keys(local.enqueuer_members)) :
    "${pair[0]}-${pair[1]}" => { queue = pair[0], member = local.enqueuer_members[pair[1]] }
  }
  name     = google_cloud_tasks_queue.step[each.value.queue].name
  location = var.region
  role     = "roles/cloudtasks.enqueuer"
  member   = each.value.member
}

# A task carrying an OIDC token for the tasks account needs actAs on that account.
resource "google_service_account_iam_member" "enqueuer_acts_as_tasks" {
  for_each           = local.enqueuer_members
  service_account_id = google_service_account.tasks.name
  role               = "roles/iam.serviceAccountUser"
  member             = each.value
}

# V4 signed download URLs: the api signs with its own account through IAM signBlob, no key file.
resource "google_service_account_iam_member" "api_signs_urls" {
  service_account_id = google_service_account.api.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.api.email}"
}

# step_publish signs the long-lived link of a published video the same way, as the steps account.
resource "google_service_account_iam_member" "steps_sign_urls" {
  service_account_id = google_service_account.steps.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.steps.email}"
}

# step_assemble starts executions of the job with `--job-id` overrides, and nothing else.
resource "google_cloud_run_v2_job_iam_member" "steps_run_assembly" {
  name     = google_cloud_run_v2_job.assemble.name
  location = var.region
  role     = "roles/run.jobsExecutorWithOverrides"
  member   = "serviceAccount:${google_service_account.steps.email}"
}

# Function builds.
resource "google_project_iam_member" "build_logs" {
  project = var.project
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.build.email}"
}

resource "google_storage_bucket_iam_member" "build_reads_source" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.build.email}"
}

resource "google_artifact_registry_repository_iam_member" "build_pushes_images" {
  repository = google_artifact_registry_repository.images.name
  location   = var.region
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.build.email}"
}
