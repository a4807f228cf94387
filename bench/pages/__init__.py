"""A content page type for the bench's generated data set, installed only by
``lms.settings.bench``. The rooms' own page types (courses, media) subclass the same
``BasePage``, so listings, browse counts and search over these pages run the queries that
real content runs."""
