"""The API on one local port: Chalice's own local server (what `chalice local` runs), with the
stage's environment variables applied first and then the overrides given with --env.

    python -m dev.api_server --stage local --port 8001 --env TRACES_SITE_URL=http://127.0.0.1:8080

Why not `chalice local` itself: it writes the stage variables over the environment, so the
site URL (which depends on the port dev.run picked) and TRACES_CAPTCHA=false (browser tests)
could not be set from outside.
"""
import argparse
import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def per_thread_requests(app) -> None:
    """Chalice keeps the request being answered on the app object (`app.current_request`, which
    every blueprint reads): right in Lambda, one request per process at a time, but the local
    server answers each request in its own thread, and one request could read another's body or
    cookie. Here each thread has its own."""
    local = threading.local()

    def per_thread(name: str) -> property:
        return property(lambda self: getattr(local, name, None),
                        lambda self, value: setattr(local, name, value))

    app.__class__ = type("PerThreadChalice", (type(app),), {
        "current_request": per_thread("current_request"),
        "lambda_context": per_thread("lambda_context")})


def make_server(app, config, host: str, port: int):
    """Chalice's local server for `app`, each thread with its own request, its socket queueing a
    burst of connections (dev/site_server.py LISTEN_BACKLOG)."""
    from chalice.local import create_local_server

    from dev.site_server import listen_for_bursts

    per_thread_requests(app)
    server = create_local_server(app, config, host, port)
    listen_for_bursts(server.server)
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="local")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)

    from chalice.cli.factory import CLIFactory

    factory = CLIFactory(str(ROOT), environ=os.environ)
    config = factory.create_config_obj(chalice_stage_name=args.stage)
    environment = dict(config.environment_variables)
    environment.update(item.split("=", 1) for item in args.env)
    os.environ.update(environment)
    server = make_server(factory.load_chalice_app(), config, args.host, args.port)
    print(f"API on http://{args.host}:{args.port}/api (stage {args.stage})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server.server_close()


if __name__ == "__main__":
    sys.exit(main())
