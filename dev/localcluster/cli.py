"""`dev/cluster.py`: the local cluster's command line (see docs/runbooks/local-cluster.md)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence

from dev.localplatform.console import done, elapsed, fail, info
from dev.localplatform.errors import PlatformError

from . import deploy, docker, images, kind, kube, testing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev/cluster.py")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("images", help="build every image (or the named ones)")
    build.add_argument("names", nargs="*")
    up = commands.add_parser("up", help="create the kind cluster (dockerd, tools, node image)")
    prepare = commands.add_parser(
        "prepare", help="the cluster with every image loaded, nothing installed (up + images)"
    )
    prepare.add_argument(
        "--if-cached",
        action="store_true",
        help="do nothing unless kind, kubectl, helm and the node image are already built",
    )
    for creating in (up, prepare):
        creating.add_argument(
            "--fresh", action="store_true", help="delete an existing cluster first (CI)"
        )
    commands.add_parser("deploy", help="install the platform into the cluster")
    commands.add_parser("down", help="delete the cluster and stop the dockerd the platform started")
    commands.add_parser("binaries", help="build kind, kubectl, helm (cached)")
    commands.add_parser("tilt-config", help="prepare the cluster for the Tiltfile; print JSON")
    tilt = commands.add_parser("tilt", help="run tilt against the cluster (args after --)")
    tilt.add_argument("tilt_args", nargs="*")
    test = commands.add_parser("test", help="the cluster test tier (pytest args after --)")
    test.add_argument("pytest_args", nargs="*")
    args = parser.parse_args(argv)
    try:
        if args.command == "images":
            built = images.build_all(args.names or None)
            done(f"{len(built)} images in {elapsed():.0f}s")
        elif args.command == "binaries":
            done(f"tools in {kube.ensure_binaries()}")
        elif args.command == "up":
            kind.up(fresh=args.fresh)
            done(
                f"cluster {kube.CLUSTER} up in {elapsed():.0f}s; "
                f"kubectl: {' '.join(kube.argv_for(['get', 'pods', '-A']))}"
            )
        elif args.command == "prepare":
            if args.if_cached and not kind.tooling_cached():
                info("the cluster's tooling is not built yet: left to `up`")
                return 0
            kind.up(fresh=args.fresh)
            deploy.load_images()
            done(f"cluster {kube.CLUSTER} prepared in {elapsed():.0f}s")
        elif args.command == "deploy":
            deploy.deploy()
            done(f"deployed in {elapsed():.0f}s")
        elif args.command == "tilt-config":
            with contextlib.redirect_stdout(sys.stderr):
                config = deploy.tilt_config()
            print(json.dumps(config))
        elif args.command == "tilt":
            kube.require_cluster()
            binary = kube.ensure_tilt()
            # Replaces this process: tilt owns the terminal from here.
            os.execve(binary, [binary, *(args.tilt_args or ["up"])], kube.tools_env())  # noqa: S606
        elif args.command == "test":
            return testing.run(args.pytest_args)
        elif args.command == "down":
            kind.down()
            docker.stop()
    except PlatformError as error:
        return fail(error)
    return 0
