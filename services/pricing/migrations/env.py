from sqlmodel import SQLModel

from catalog_chassis.db import chassis_metadata
from catalog_chassis.migrations import run_migrations
from pricing_service.infrastructure import tables

run_migrations([SQLModel.metadata, chassis_metadata, tables.OFFERING_USAGES.metadata])
