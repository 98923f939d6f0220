# Copy to terraform.tfvars (ignored by git) and edit. Only `project` is required.
project = "my-story-genius"
region  = "us-central1"

# Real providers once their adapters are built (defaults: offline, no keys, no provider bills).
# script_provider = "gemini"
# images_provider = "gemini"
# video_provider  = "veo"
# voice_provider  = "elevenlabs"

# A throwaway smoke-test project only: lets `Authorization: Bearer dev:<uid>` through.
# auth           = "dev"
# allow_dev_auth = true
