"""Every domain's tables in one metadata, for migrations and tests.

Importing the models registers them on ``Base.metadata``; nothing else should need
this module.
"""

from __future__ import annotations

import dargah.access.models
import dargah.audit.models
import dargah.catalogue.models
import dargah.identity.models
import dargah.jobs.models
import dargah.members.models
import dargah.records.models
import dargah.submissions.models  # noqa: F401
from dargah.db.base import Base

metadata = Base.metadata
