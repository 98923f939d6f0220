# Inputs. Only `project` is required; everything else has a default that matches
# common/config.py (the consistency tests in tests/unit/test_infra_consistency.py check that).

variable "project" {
  description = "Google Cloud project id to deploy into (billing enabled)."
  type        = string
}

variable "region" {
  description = "Region for functions, queues, the Cloud Run job, the bucket and Artifact Registry. Steps are called at https://REGION-PROJECT.cloudfunctions.net/<step>."
  type        = string
  default     = "us-central1"
}

variable "prefix" {
  description = "Prefix of resource names (buckets, service accounts, job, topic, repository). Lowercase letters, digits, hyphens."
  type        = string
  default     = "storygenius"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,16}[a-z0-9]$", var.prefix))
    error_message = "prefix: 3-18 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "tasks_queue_prefix" {
  description = "Cloud Tasks queue prefix (STORYGENIUS_TASKS_QUEUE_PREFIX); queues are <prefix>-<class>, as common/adapters/gcp/cloud_tasks.py names them."
  type        = string
  default     = "storygenius"
}

variable "firestore_location" {
  description = "Firestore location (cannot change later). Empty: the region. Multi-regions such as nam5 or eur3 cost more and survive a regional outage."
  type        = string
  default     = ""
}

variable "assemble_image" {
  description = "Container image of the assembly job (infra/docker/assemble.Dockerfile). Empty: REGION-docker.pkg.dev/PROJECT/PREFIX/assemble:latest in the repository this configuration creates."
  type        = string
  default     = ""
}

variable "script_provider" {
  description = "STORYGENIUS_SCRIPT: offline (templates) or gemini."
  type        = string
  default     = "offline"

  validation {
    condition     = contains(["offline", "gemini"], var.script_provider)
    error_message = "script_provider must be offline or gemini."
  }
}

variable "images_provider" {
  description = "STORYGENIUS_IMAGES: offline (procedural painter) or gemini."
  type        = string
  default     = "offline"

  validation {
    condition     = contains(["offline", "gemini"], var.images_provider)
    error_message = "images_provider must be offline or gemini."
  }
}

variable "video_provider" {
  description = "STORYGENIUS_VIDEO: offline (Ken Burns motion) or veo."
  type        = string
  default     = "offline"

  validation {
    condition     = contains(["offline", "veo"], var.video_provider)
    error_message = "video_provider must be offline or veo."
  }
}

variable "voice_provider" {
  description = "STORYGENIUS_VOICE: offline (espeak-ng) or elevenlabs (the key comes from Secret Manager)."
  type        = string
  default     = "offline"

  validation {
    condition     = contains(["offline", "elevenlabs"], var.voice_provider)
    error_message = "voice_provider must be offline or elevenlabs."
  }
}

variable "auth" {
  description = "STORYGENIUS_AUTH: firebase (verify Firebase ID tokens) or dev (`Bearer dev:<uid>`, anyone can act as anyone: a throwaway test project only, together with allow_dev_auth)."
  type        = string
  default     = "firebase"

  validation {
    condition     = contains(["firebase", "dev"], var.auth)
    error_message = "auth must be firebase or dev."
  }
}

variable "allow_dev_auth" {
  description = "STORYGENIUS_ALLOW_DEV_AUTH: lets auth = dev run on cloud backends. Never in production."
  type        = bool
  default     = false
}

variable "max_attempts" {
  description = "Deliveries of one step task (STORYGENIUS_MAX_ATTEMPTS and every queue's retry_config.max_attempts: the handler must know which delivery is the last)."
  type        = number
  default     = 5
}

variable "veo_requests_per_minute" {
  description = "Dispatch rate of the video queue (Veo starts and polls share it); Veo 3.1 allows about 50 requests a minute."
  type        = number
  default     = 50
}

variable "elevenlabs_concurrency" {
  description = "Narration requests in flight at once (the ElevenLabs plan allows about 2 to 15)."
  type        = number
  default     = 4
}

variable "assemble_timeout_s" {
  description = "Task timeout of one assembly job execution, in seconds."
  type        = number
  default     = 3600
}

variable "assemble_max_retries" {
  description = "Retries of a failed assembly task (each is idempotent: a retried task finds its segments cached, a finished job is left alone; a killed join is taken over by its retry)."
  type        = number
  default     = 2
}

variable "assemble_max_tasks" {
  description = "Most tasks one assembly execution is spread over (one per 15 s of video, 1 below 30 s; each execution asks for its own count), and how many run at once."
  type        = number
  default     = 8
}

variable "step_ingress" {
  description = "Ingress of the step functions and scheduler_tick. ALLOW_INTERNAL_ONLY admits Cloud Tasks and Eventarc of this project (plus IAM: only the tasks service account may invoke steps)."
  type        = string
  default     = "ALLOW_INTERNAL_ONLY"

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY"], var.step_ingress)
    error_message = "step_ingress must be ALLOW_ALL or ALLOW_INTERNAL_ONLY."
  }
}

variable "cors_origins" {
  description = "Origins allowed to GET media from the bucket (downloads through signed URLs)."
  type        = list(string)
  default     = ["*"]
}

variable "tmp_retention_days" {
  description = "Objects under tmp/ in the media bucket are deleted after this many days."
  type        = number
  default     = 1
}

variable "segment_cache_days" {
  description = "Encoded segments under cache/segments/ in the media bucket are deleted after this many days."
  type        = number
  default     = 30
}

variable "tick_schedule" {
  description = "Cron schedule of the calendar tick (Cloud Scheduler -> Pub/Sub -> scheduler_tick)."
  type        = string
  default     = "* * * * *"
}

variable "platforms" {
  description = "Platforms the calendar may post to (youtube, tiktok, instagram): each needs its OAuth client id and secret in Secret Manager first (infra/README.md). The functions get those as environment variables."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.platforms : contains(["youtube", "tiktok", "instagram"], p)])
    error_message = "platforms: youtube, tiktok or instagram."
  }
}

variable "public_base_url" {
  description = "The API as browsers reach it (e.g. https://<site>.web.app/api): the OAuth redirect URI registered with each platform is <public_base_url>/v1/oauth/callback."
  type        = string
  default     = ""
}

variable "tiktok_audited" {
  description = "Whether TikTok has audited the app: unaudited apps may post only privately (SELF_ONLY)."
  type        = bool
  default     = false
}
