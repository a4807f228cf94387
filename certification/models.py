"""certification: models arrive with their issue."""
