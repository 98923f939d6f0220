# Firestore (native mode), the composite indexes the code's queries need, and the security rules.
#
# Keep the indexes here and in /firestore.indexes.json in agreement; the consistency tests find
# every DocumentStore.query call in the code and require an index for it in both.

resource "google_firestore_database" "default" {
  project                 = var.project
  name                    = "(default)"
  location_id             = var.firestore_location != "" ? var.firestore_location : var.region
  type                    = "FIRESTORE_NATIVE"
  concurrency_mode        = "PESSIMISTIC"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON" # terraform destroy leaves the data alone

  depends_on = [google_project_service.apis]
}

locals {
  # The composite indexes, by name; fields in index order (equality fields first).
  firestore_indexes = {
    # ProjectService.list: owner == uid, newest first.
    projects_owner_created_at = {
      collection = "projects"
      fields     = [{ path = "owner", order = "ASCENDING" }, { path = "created_at", order = "DESCENDING" }]
    }
    # ScheduleService.calendar: owner == uid, publish_at in a range, earliest first.
    schedules_owner_publish_at = {
      collection = "schedules"
      fields     = [{ path = "owner", order = "ASCENDING" }, { path = "publish_at", order = "ASCENDING" }]
    }
    # ScheduleService.due (the tick): status == scheduled|generating, next_at <= now.
    schedules_status_next_at = {
      collection = "schedules"
      fields     = [{ path = "status", order = "ASCENDING" }, { path = "next_at", order = "ASCENDING" }]
    }
    # SeriesService.list: owner == uid, newest first.
    series_owner_created_at = {
      collection = "series"
      fields     = [{ path = "owner", order = "ASCENDING" }, { path = "created_at", order = "DESCENDING" }]
    }
    # SeriesService.due (the tick): status == active, next_at <= now.
    series_status_next_at = {
      collection = "series"
      fields     = [{ path = "status", order = "ASCENDING" }, { path = "next_at", order = "ASCENDING" }]
    }
    # UsageAnalytics: a user's usage events in a time range.
    usage_owner_at = {
      collection = "usage"
      fields     = [{ path = "owner", order = "ASCENDING" }, { path = "at", order = "ASCENDING" }]
    }
    # UsageAnalytics: a user's jobs created in a time range.
    jobs_owner_created_at = {
      collection = "jobs"
      fields     = [{ path = "owner", order = "ASCENDING" }, { path = "created_at", order = "ASCENDING" }]
    }
    # Analytics: a user's posts to platforms created in a time range.
    posts_owner_created_at = {
      collection = "posts"
      fields     = [{ path = "owner", order = "ASCENDING" }, { path = "created_at", order = "ASCENDING" }]
    }
  }
}

resource "google_firestore_index" "composite" {
  for_each = local.firestore_indexes

  project     = var.project
  database    = google_firestore_database.default.name
  collection  = each.value.collection
  query_scope = "COLLECTION"

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path = fields.value.path
      order      = fields.value.order
    }
  }
}

# Client access (web and mobile SDKs) is decided by these rules; servers use IAM and bypass them.
resource "google_firebaserules_ruleset" "firestore" {
  project = var.project

  source {
    files {
      name    = "firestore.rules"
      content = file("${local.repo_root}/firestore.rules")
    }
  }

  depends_on = [google_firestore_database.default]
}

resource "google_firebaserules_release" "firestore" {
  project      = var.project
  name         = "cloud.firestore"
  ruleset_name = "projects/${var.project}/rulesets/${google_firebaserules_ruleset.firestore.name}"

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}
