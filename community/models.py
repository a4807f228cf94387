"""community: models arrive with their issue."""
