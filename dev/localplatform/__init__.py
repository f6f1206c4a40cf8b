"""The local platform: runs the catalog on one machine without Docker or Kubernetes.

`dev/platform.py` is the command line; `dev/edge.py` renders and runs the nginx edge.
"""
