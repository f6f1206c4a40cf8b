"""`python -m catalog_operator`: the operator, with kopf's liveness endpoint for the probes."""

from __future__ import annotations

import kopf

from catalog_operator import main


def run() -> None:
    config = main.CONFIG
    kopf.run(
        clusterwide=not config.namespace,
        namespaces=[config.namespace] if config.namespace else (),
        liveness_endpoint=f"http://0.0.0.0:{config.liveness_port}/healthz",
        standalone=True,
    )


if __name__ == "__main__":
    run()
