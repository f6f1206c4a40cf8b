"""The specification's step of the publication saga: are the offering's specifications
still there?"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog_chassis.errors import NotFound
from catalog_chassis.workflow.tasks import BusinessError, ExternalTask
from specification_service.application.use_cases import SpecificationService

SPECIFICATION_GONE = "specification-gone"


@dataclass
class SpecificationSagaSteps:
    specifications: SpecificationService

    async def validate_specifications(self, task: ExternalTask) -> Mapping[str, Any] | None:
        """Every specification of the offering exists; the first gone one fails the step
        with its id (the saga then compensates)."""
        gone = []
        for value in task.json_variable("specificationIds"):
            specification_id = uuid.UUID(str(value))
            try:
                await self.specifications.get(specification_id)
            except NotFound:
                gone.append(str(specification_id))
        if gone:
            which = (
                "specifications " + ", ".join(gone) if len(gone) > 1 else "specification " + gone[0]
            )
            raise BusinessError(
                SPECIFICATION_GONE,
                f"The {which} no longer exist{'' if len(gone) > 1 else 's'}; "
                "remove it from the offering and publish again.",
            )
        return None
