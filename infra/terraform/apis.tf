# Google APIs the deployment uses. Left enabled on destroy: other things in the project may use them.
locals {
  services = [
    "aiplatform.googleapis.com",       # Gemini and Veo (google-genai on Vertex AI)
    "artifactregistry.googleapis.com", # function images and the assembly image
    "cloudbuild.googleapis.com",       # builds the functions from the source zip
    "cloudfunctions.googleapis.com",
    "cloudkms.googleapis.com", # the key that wraps secrets at rest
    "cloudscheduler.googleapis.com",
    "cloudtasks.googleapis.com",
    "cloudtrace.googleapis.com",
    "eventarc.googleapis.com", # the Pub/Sub trigger of scheduler_tick
    "firebaserules.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com", # signBlob: V4 signed URLs without a key file
    "logging.googleapis.com",
    "monitoring.googleapis.com", # job metrics (latency and failures by stage, cost per video)
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
    "telemetry.googleapis.com", # spans over OTLP into Cloud Trace
  ]
}

resource "google_project_service" "apis" {
  for_each = toset(local.services)

  project            = var.project
  service            = each.value
  disable_on_destroy = false
}
