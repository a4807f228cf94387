"""GIN indexes for community search on PostgreSQL. Other databases (the SQLite demo) search
without them, so the migration does nothing there."""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS community_post_text_search_idx ON community_post "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(\"text\", '')))",
    "CREATE INDEX IF NOT EXISTS community_thread_title_search_idx ON community_thread "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(\"title\", '')))",
]
DROP = [
    "DROP INDEX IF EXISTS community_post_text_search_idx",
    "DROP INDEX IF EXISTS community_thread_title_search_idx",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("community", "0001_communities_threads_posts_moderation")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
