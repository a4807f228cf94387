"""What every room's demo loader shares about demo people."""

# The password of every demo login (printed by `manage.py demo_logins`).
DEMO_PASSWORD = "betterwork-demo-2026"
