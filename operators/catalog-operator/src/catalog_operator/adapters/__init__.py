"""The real Kubernetes API and process engine behind the ports of `ports.py`."""
