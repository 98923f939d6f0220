# Cloud Tasks queues, one per step class (the step registry, common/domain/steps.py:
# "<tasks_queue_prefix>-<class>"), each limited to what its provider tolerates.
#
# max_attempts is the same everywhere and equals STORYGENIUS_MAX_ATTEMPTS: a handler treats
# delivery number max_attempts as the last and records the failure instead of answering 503; a
# queue with fewer attempts would drop the task first and leave the job stuck.

locals {
  queues = {
    # one Gemini call per job
    script = { rate = 2, concurrent = 10, min_backoff = "5s", max_backoff = "120s" }
    # references and keyframes: Gemini image calls (or the offline painter, CPU bound)
    images = { rate = 5, concurrent = 20, min_backoff = "5s", max_backoff = "300s" }
    # ElevenLabs limits requests in flight per account (about 2 to 15 by plan)
    voice = { rate = 5, concurrent = var.elevenlabs_concurrency, min_backoff = "10s", max_backoff = "300s" }
    # Veo starts and polls: about 50 requests a minute; a 429 comes back as 503 and backs off
    video = { rate = var.veo_requests_per_minute / 60, concurrent = 20, min_backoff = "15s", max_backoff = "600s" }
    # each task only starts a Cloud Run job execution; few at once keeps the job quota free
    assemble = { rate = 1, concurrent = 3, min_backoff = "30s", max_backoff = "600s" }
    # step_publish: users' webhooks; a receiver that is down is retried with a long backoff
    publish = { rate = 10, concurrent = 20, min_backoff = "10s", max_backoff = "600s" }
    # targets without a class of their own
    default = { rate = 5, concurrent = 10, min_backoff = "5s", max_backoff = "300s" }
  }
}

resource "google_cloud_tasks_queue" "step" {
  for_each = local.queues

  name     = "${var.tasks_queue_prefix}-${each.key}"
  location = var.region

  rate_limits {
    max_dispatches_per_second = each.value.rate
    max_concurrent_dispatches = each.value.concurrent
  }

  retry_config {
    max_attempts  = var.max_attempts
    min_backoff   = each.value.min_backoff
    max_backoff   = each.value.max_backoff
    max_doublings = 4
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }

  depends_on = [google_project_service.apis]
}
