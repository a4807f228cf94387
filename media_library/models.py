"""media_library: models arrive with their issue."""
