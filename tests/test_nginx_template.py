"""site/deploy/nginx.conf is a template: rendered for production (TLS, the app servers
named) and for the loopback cluster (plain HTTP, the shared folder), with the upstream
retry; nginx itself accepts both where it is installed."""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "render_nginx", ROOT / "site" / "deploy" / "render_nginx.py"
)
render_nginx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(render_nginx)


def _production():
    return render_nginx.render(app_servers=["10.0.0.11:8000", "10.0.0.12:8000"])


def _cluster(tmp_path):
    return render_nginx.render(
        app_servers=["127.0.0.1:8201", "127.0.0.1:8202"],
        listen="127.0.0.1:8200",
        server_name="127.0.0.1",
        tls=False,
        private_root=str(tmp_path / "private"),
        media_root=str(tmp_path / "media"),
        show_upstream=True,
    )


def test_production_rendering(tmp_path):
    text = _production()
    assert "{%" not in text
    assert "{{" not in text
    assert "server 10.0.0.11:8000 max_fails=1" in text
    assert "server 10.0.0.12:8000 max_fails=1" in text
    assert "listen 443 ssl http2;" in text
    assert "return 301 https://" in text
    assert "proxy_next_upstream error timeout http_502 http_503 http_504;" in text
    assert "non_idempotent" not in text.split("proxy_next_upstream ", 1)[1].split(";")[0]
    assert "X-Upstream" not in text  # which server answered is not told to the public
    assert "location /media/" not in text  # media come from object storage


def test_cluster_rendering(tmp_path):
    text = _cluster(tmp_path)
    assert "listen 127.0.0.1:8200;" in text
    assert "ssl" not in text
    assert "return 301" not in text
    assert f"alias {tmp_path / 'private'}/;" in text
    assert f"alias {tmp_path / 'media'}/;" in text
    assert "add_header X-Upstream $upstream_addr always;" in text


def test_no_app_server_is_refused():
    with pytest.raises(ValueError, match="app server"):
        render_nginx.render(app_servers=[])


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_nginx_accepts_the_cluster_rendering(tmp_path):
    (tmp_path / "site.conf").write_text(_cluster(tmp_path))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; "
        f"proxy_temp_path {tmp_path}/proxy; include {tmp_path}/site.conf; }}\n"
    )
    checked = subprocess.run(
        ["nginx", "-t", "-q", "-e", f"{tmp_path}/error.log", "-c", f"{tmp_path}/nginx.conf"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
