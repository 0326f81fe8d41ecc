"""The routine library: TOML data read by coach.catalog (not code)."""

SCHEMA_VERSION = 1
