"""The platform on a local Kubernetes cluster (kind): images, the cluster, the Helm releases.

See docs/runbooks/local-cluster.md and docs/adr/0012-local-kubernetes-cluster.md.
"""
