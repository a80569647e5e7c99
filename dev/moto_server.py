"""The local AWS endpoint (DynamoDB, SES): moto's server, with each DynamoDB call applied
atomically, as DynamoDB does.

    python -m dev.moto_server -H 127.0.0.1 -p 5005        # moto_server's own options

moto serves each request in its own thread, and its in-memory DynamoDB has no lock: a cancelled
TransactWriteItems puts back whole tables as they were when it began, undoing what other requests
wrote meanwhile, and two conditional writes can both see the old value. Under concurrent requests
the local system lost committed writes. One lock around each DynamoDB call (a whole
TransactWriteItems or BatchGetItem included) gives moto the guarantee the real service has; one
call at a time is plenty for one machine. Other services, and moto's own /moto-api/ (whose
recording replay calls this server back), are left as they are.
"""
import functools
import sys
import threading

LOCK = threading.RLock()


def serialise_dynamodb() -> None:
    """Each DynamoDB API call runs alone (idempotent)."""
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.call_action
    if getattr(original, "serialised", False):
        return

    @functools.wraps(original)
    def call_action(self):
        with LOCK:
            return original(self)

    call_action.serialised = True
    DynamoHandler.call_action = call_action


def main(argv: list[str] | None = None) -> None:
    serialise_dynamodb()
    from moto.server import main as moto_main

    moto_main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
