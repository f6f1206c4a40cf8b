"""The catalog operator: BPMN definitions and database migrations as Kubernetes resources."""
