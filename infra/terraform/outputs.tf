# What a deployment hands back: where the API answers and the names to look things up by.

output "api_url" {
  description = "The public REST API (routes under /v1), e.g. curl $(terraform output -raw api_url)/v1/health."
  value       = google_cloudfunctions2_function.api.url
}

output "api_run_url" {
  description = "The same API at its Cloud Run (run.app) address."
  value       = google_cloudfunctions2_function.api.service_config[0].uri
}

output "functions_base_url" {
  description = "STORYGENIUS_FUNCTIONS_BASE_URL: Cloud Tasks posts each step to <this>/<step>."
  value       = local.functions_base_url
}

output "media_bucket" {
  description = "The media bucket (STORYGENIUS_BUCKET): cache/, jobs/<id>/ outputs, tmp/."
  value       = google_storage_bucket.media.name
}

output "source_bucket" {
  description = "The bucket holding the functions' source zips."
  value       = google_storage_bucket.source.name
}

output "queues" {
  description = "Cloud Tasks queue ids by step class."
  value       = { for class, queue in google_cloud_tasks_queue.step : class => queue.name }
}

output "service_accounts" {
  description = "Service account emails by role (api, steps, tasks, assemble, events, build)."
  value = {
    api      = google_service_account.api.email
    steps    = google_service_account.steps.email
    tasks    = google_service_account.tasks.email
    assemble = google_service_account.assemble.email
    events   = google_service_account.events.email
    build    = google_service_account.build.email
  }
}

output "assemble_job" {
  description = "The Cloud Run job that assembles videos (STORYGENIUS_ASSEMBLE_JOB)."
  value       = google_cloud_run_v2_job.assemble.name
}

output "assemble_image" {
  description = "The image the assembly job runs; push it before the first full apply."
  value       = local.assemble_image
}

output "artifact_repository" {
  description = "Docker repository for the assembly image and the function builds."
  value       = "${var.region}-docker.pkg.dev/${var.project}/${google_artifact_registry_repository.images.repository_id}"
}

output "elevenlabs_secret" {
  description = "Secret Manager secret holding the ElevenLabs API key (add a version with gcloud)."
  value       = google_secret_manager_secret.elevenlabs.secret_id
}

output "tick_topic" {
  description = "Pub/Sub topic of the calendar tick."
  value       = google_pubsub_topic.tick.name
}
