"""Render site/deploy/nginx.conf (a template) for a set of app servers.

Production (the defaults): TLS on 443 for learn.betterwork.example, app servers named with
--app, private files from /srv/lms/var/private. The loopback cluster (site/deploy/cluster.sh):

    python site/deploy/render_nginx.py --app 127.0.0.1:8201 --app 127.0.0.1:8202 \\
        --listen 127.0.0.1:8200 --server-name 127.0.0.1 --no-tls \\
        --private-root var/cluster/shared/private --media-root var/cluster/shared/media \\
        --show-upstream

Only the standard library and Django's template engine (no settings needed)."""

import argparse
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")
LETSENCRYPT = "/etc/letsencrypt/live/learn.betterwork.example"


def render(
    *,
    app_servers: list[str],
    listen: str = "443",
    server_name: str = "learn.betterwork.example",
    tls: bool = True,
    ssl_certificate: str = f"{LETSENCRYPT}/fullchain.pem",
    ssl_certificate_key: str = f"{LETSENCRYPT}/privkey.pem",
    private_root: str = "/srv/lms/var/private",
    media_root: str = "",
    show_upstream: bool = False,
) -> str:
    from django.template import Context, Engine

    if not app_servers:
        raise ValueError("name at least one app server")
    engine = Engine(autoescape=False)
    return (
        engine.from_string(TEMPLATE.read_text())
        .render(
            Context(
                {
                    "app_servers": app_servers,
                    "listen": listen,
                    "server_name": server_name,
                    "tls": tls,
                    "ssl_certificate": ssl_certificate,
                    "ssl_certificate_key": ssl_certificate_key,
                    "private_root": str(Path(private_root).resolve()).rstrip("/"),
                    "media_root": str(Path(media_root).resolve()).rstrip("/") if media_root else "",
                    "show_upstream": show_upstream,
                }
            )
        )
        .lstrip()
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", action="append", required=True, help="host:port, repeatable")
    parser.add_argument("--listen", default="443")
    parser.add_argument("--server-name", default="learn.betterwork.example")
    parser.add_argument("--no-tls", action="store_true", help="plain HTTP (the loopback)")
    parser.add_argument(
        "--ssl-certificate", default="/etc/letsencrypt/live/learn.betterwork.example/fullchain.pem"
    )
    parser.add_argument(
        "--ssl-certificate-key",
        default="/etc/letsencrypt/live/learn.betterwork.example/privkey.pem",
    )
    parser.add_argument("--private-root", default="/srv/lms/var/private")
    parser.add_argument("--media-root", default="", help="serve /media/ from this folder")
    parser.add_argument("--show-upstream", action="store_true", help="X-Upstream header")
    args = parser.parse_args(argv)
    sys.stdout.write(
        render(
            app_servers=args.app,
            listen=args.listen,
            server_name=args.server_name,
            tls=not args.no_tls,
            ssl_certificate=args.ssl_certificate,
            ssl_certificate_key=args.ssl_certificate_key,
            private_root=args.private_root,
            media_root=args.media_root,
            show_upstream=args.show_upstream,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
