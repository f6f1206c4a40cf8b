"""RabbitMQ (Debian's rabbitmq-server): start or adopt, management plugin, the exchanges."""

from __future__ import annotations

import time

import httpx

from . import ownership
from .commands import run, succeeds
from .console import done, info, step
from .errors import PlatformError
from .paths import Layout
from .probes import http_ok, port_open

AMQP_PORT = 5672
AMQP_URL = f"amqp://guest:guest@127.0.0.1:{AMQP_PORT}/"
MANAGEMENT_URL = "http://127.0.0.1:15672"
MANAGEMENT_AUTH = ("guest", "guest")
COMPONENT = "rabbitmq"
# epmd (the Erlang port mapper) is started by the first Erlang node and outlives it.
EPMD_COMPONENT = "epmd"
# How long a booting node may take on a loaded 2-core machine.
STARTUP_SECONDS = 180.0

EVENTS_EXCHANGE = "catalog.events"
DEAD_LETTER_EXCHANGE = "catalog.events.dlx"


def is_running() -> bool:
    return port_open(AMQP_PORT)


def management_ready() -> bool:
    return http_ok(f"{MANAGEMENT_URL}/api/overview", auth=MANAGEMENT_AUTH)


def start_or_adopt(layout: Layout, *, installed_now: bool) -> None:
    """Starts the broker detached when it is not running; does not wait for it."""
    if is_running():
        if not installed_now:
            info("rabbitmq already running: adopted (down leaves it running)")
        else:
            # Installing the package started it: it is ours as much as if we had started it.
            ownership.record_started(layout, COMPONENT)
        if not management_ready():
            step("enabling the rabbitmq management plugin")
            run(["rabbitmq-plugins", "enable", "rabbitmq_management"], timeout=120)
        return
    if succeeds(["rabbitmqctl", "-q", "ping"], timeout=30):
        # The node is up but its application was stopped (`rabbitmqctl stop_app`): whoever
        # owns the node keeps owning it; we only start the application again.
        step("rabbitmq node is up with its application stopped: starting the application")
        run(["rabbitmqctl", "start_app"], timeout=120)
        return
    if not succeeds(["epmd", "-names"], timeout=10):
        ownership.record_started(layout, EPMD_COMPONENT)
    # Enabled offline before boot, so the node starts with the plugin and needs no restart.
    run(["rabbitmq-plugins", "enable", "--offline", "rabbitmq_management"], timeout=120)
    step("starting rabbitmq")
    run(["rabbitmq-server", "-detached"], timeout=60)
    ownership.record_started(layout, COMPONENT)


def await_started(timeout: float = STARTUP_SECONDS) -> None:
    """Wait for the node booted by start_or_adopt. `await_startup` gives up at once while the
    node is still in its prelaunch phase (not yet registered as `rabbit`, as on a loaded
    machine), so it is retried until the deadline; the last try reports the failure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if succeeds(["rabbitmqctl", "-q", "await_startup", "--timeout", "30"], timeout=45):
            return
        time.sleep(1.0)
    run(["rabbitmqctl", "await_startup", "--timeout", "30"], timeout=45)


def declare_exchanges() -> None:
    """Declares the durable topic exchanges of the event contract (idempotent)."""
    with httpx.Client(base_url=MANAGEMENT_URL, auth=MANAGEMENT_AUTH, trust_env=False) as client:
        for name in (EVENTS_EXCHANGE, DEAD_LETTER_EXCHANGE):
            response = client.put(
                f"/api/exchanges/%2F/{name}",
                json={"type": "topic", "durable": True, "auto_delete": False, "internal": False},
            )
            if response.status_code not in (201, 204):
                raise PlatformError(
                    f"declaring exchange {name} failed: {response.status_code} {response.text}"
                )
    done(f"exchanges {EVENTS_EXCHANGE} and {DEAD_LETTER_EXCHANGE} declared (durable topic)")


def stop_if_started(layout: Layout) -> None:
    if not ownership.started_by_platform(layout, COMPONENT):
        info("rabbitmq was not started by up: left running")
        return
    if is_running():
        step("stopping rabbitmq")
        run(["rabbitmqctl", "stop"], timeout=120)
    ownership.forget(layout, COMPONENT)
    if ownership.started_by_platform(layout, EPMD_COMPONENT):
        run(["epmd", "-kill"], check=False, timeout=10)
        ownership.forget(layout, EPMD_COMPONENT)
