"""Names of the custom resources and labels; the CRDs live in charts/catalog-crds."""

from __future__ import annotations

GROUP = "catalog.example"
VERSION = "v1alpha1"
PROCESS_DEFINITIONS = "processdefinitions"
DATABASE_MIGRATIONS = "databasemigrations"

# On each migration Job: which database it migrates (the per-database lock looks for it).
DATABASE_LABEL = f"{GROUP}/database"
# On each migration Job: the DatabaseMigration it runs for.
MIGRATION_LABEL = f"{GROUP}/migration"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY = "catalog-operator"
