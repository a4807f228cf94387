"""courses: models arrive with their issue."""
