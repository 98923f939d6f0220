# Buckets (media, function source), the function source zip and the image repository.

locals {
  repo_root = abspath("${path.module}/../..")
  # What the functions need is main.py, common/, functions/ and requirements.txt; the rest of the
  # checkout (virtualenvs, tools, tests, outputs, this directory) stays out of the zip, and so
  # does pyproject.toml (tool settings only), so the Python buildpack installs requirements.txt.
  source_excludes = [
    ".git", ".venv", ".tools", ".storygenius", ".ci", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", "tests", "out", "bench", "infra", "web", "**/__pycache__",
    "pyproject.toml", "requirements-dev.txt",
  ]
  media_bucket   = "${var.project}-${var.prefix}-media"
  source_bucket  = "${var.project}-${var.prefix}-source"
  repository_id  = var.prefix
  default_image  = "${var.region}-docker.pkg.dev/${var.project}/${local.repository_id}/assemble:latest"
  assemble_image = var.assemble_image != "" ? var.assemble_image : local.default_image
}

resource "google_storage_bucket" "media" {
  name                        = local.media_bucket
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced" # clients download through V4 signed URLs only

  # Scratch objects (tmp/) do not outlive a job.
  lifecycle_rule {
    condition {
      age            = var.tmp_retention_days
      matches_prefix = ["tmp/"]
    }
    action {
      type = "Delete"
    }
  }

  # Encoded segments (common/media/render/segmented.py) are a cache: one older than this is encoded
  # again if a later edit needs it.
  lifecycle_rule {
    condition {
      age            = var.segment_cache_days
      matches_prefix = ["cache/segments/"]
    }
    action {
      type = "Delete"
    }
  }

  # Large uploads' bytes land under incoming/ and are moved by uploads:complete; a session
  # never completed is deleted after a day (common/services/projects/upload_sessions.py).
  lifecycle_rule {
    condition {
      age            = 1
      matches_prefix = ["incoming/"]
    }
    action {
      type = "Delete"
    }
  }

  # Resumable uploads a crashed step never finished.
  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  # Browsers fetch videos, thumbnails and captions from signed URLs.
  cors {
    origin          = var.cors_origins
    method          = ["GET", "HEAD"]
    response_header = ["Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "ETag"]
    max_age_seconds = 3600
  }

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket" "source" {
  name                        = local.source_bucket
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true # only zips terraform uploads

  soft_delete_policy {
    retention_duration_seconds = 0
  }

  depends_on = [google_project_service.apis]
}

data "archive_file" "source" {
  type        = "zip"
  source_dir  = local.repo_root
  output_path = "${path.module}/.build/functions-source.zip"
  excludes    = local.source_excludes
}

# Named by content: a changed checkout uploads a new object and redeploys every function.
resource "google_storage_bucket_object" "source" {
  name   = "functions/${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = data.archive_file.source.output_path
}

# Images of the functions (built by Cloud Build) and of the assembly job; old versions are pruned
# so storage stays near the free 0.5 GB.
resource "google_artifact_registry_repository" "images" {
  repository_id = local.repository_id
  location      = var.region
  format        = "DOCKER"
  description   = "Story-Genius function and assembly job images"

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 3
    }
  }

  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "604800s"
    }
  }

  depends_on = [google_project_service.apis]
}
