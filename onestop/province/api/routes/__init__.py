"""One router per group: health, sync (push and changes), files, admin (simulation and tokens)."""
