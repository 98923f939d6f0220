"""Key-encryption keys for envelope encryption: a local key file, or Cloud KMS."""
