from sqlmodel import SQLModel

from catalog_chassis.db import chassis_metadata
from catalog_chassis.migrations import run_migrations
from offering_service.infrastructure import tables  # noqa: F401  (registers the tables)

run_migrations([SQLModel.metadata, chassis_metadata])
