from sqlmodel import SQLModel

from catalog_chassis.db import chassis_metadata
from catalog_chassis.migrations import run_migrations
from characteristic_service.infrastructure import tables

run_migrations([SQLModel.metadata, chassis_metadata, tables.SPECIFICATION_USAGES.metadata])
