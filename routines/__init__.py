"""The routine library: TOML data read by coach.catalog (not code)."""

SCHEMA_VERSION = 2  # keep equal to coach.catalog.SCHEMA_VERSION
