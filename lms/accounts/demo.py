"""What every room's demo loader shares about demo people."""

import functools

# The password of every demo login (printed by `manage.py demo_logins`).
DEMO_PASSWORD = "betterwork-demo-2026"


@functools.cache
def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once per process with the site's password hasher: every demo
    person gets this hash, so building the demo hashes once instead of once a person (a
    million PBKDF2 rounds each: about a minute of the demo's build for 117 people). Signing
    in checks it like any other password."""
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD)
