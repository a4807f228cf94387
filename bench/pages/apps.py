from django.apps import AppConfig


class BenchPagesConfig(AppConfig):
    name = "bench.pages"
    label = "bench_pages"
    verbose_name = "Bench content"
    default_auto_field = "django.db.models.BigAutoField"
