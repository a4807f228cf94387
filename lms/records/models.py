"""The learning-record store: one append-only log of xAPI-shaped learning events."""
