# The calendar tick: Cloud Scheduler publishes to a topic every minute; the topic triggers
# the scheduler_tick function (functions.tf).

resource "google_pubsub_topic" "tick" {
  name                       = "${var.prefix}-tick"
  message_retention_duration = "600s" # a tick older than a few minutes is worthless

  depends_on = [google_project_service.apis]
}

resource "google_cloud_scheduler_job" "tick" {
  name        = "${var.prefix}-tick"
  region      = var.region
  description = "Story-Genius calendar tick: publishes due schedules and series runs"
  schedule    = var.tick_schedule
  time_zone   = "Etc/UTC"

  pubsub_target {
    topic_name = google_pubsub_topic.tick.id
    data       = base64encode(jsonencode({ source = "cloud-scheduler" }))
  }

  depends_on = [google_project_service.apis]
}
