"""A slice's line index serves the next file whichever process reads it: the context it
is stored under must not depend on anything a process chooses for itself."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dargah.access.policy import cli_principal
from dargah.catalogue import service as catalogue
from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.db.schema import upgrade
from dargah.db.session import Database

# What the context digests besides the file: the data set's document and the code
# lists the file is checked against, as a load computes them.
_DIGEST = """
import hashlib
import sys
from dargah.catalogue import service as catalogue
from dargah.db.session import Database
from dargah.submissions.loading import _code_lookups

database = Database.from_url(sys.argv[1])
with database.session() as session:
    dataset = catalogue.get_dataset(session, "students")
    version = catalogue.active_version(dataset)
    document = catalogue.as_document(dataset, version)
    print(hashlib.sha256(document.model_dump_json().encode()).hexdigest())
    print(_code_lookups(session, document)[1])
database.engine.dispose()
"""


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_the_context_of_a_line_index_is_the_same_in_every_process(fresh_database_url: str) -> None:
    database = Database.from_url(fresh_database_url)
    upgrade(database.engine)
    with database.session() as session:
        catalogue.sync_builtin(
            session,
            principal=cli_principal("context-test"),
            code_list_documents=builtin_code_lists(),
            dataset_documents=builtin_datasets(),
        )
    database.engine.dispose()
    document = next(item for item in builtin_datasets() if item.id == "students")
    assert len(document.schema_.code_lists) >= 3  # enough for their order to vary

    digests = set()
    for seed in ("1", "2", "3", "4"):
        # String hashing, and with it the order of a set of names, is seeded per process.
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        completed = subprocess.run(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", _DIGEST, fresh_database_url],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(tuple(completed.stdout.strip().splitlines()[-2:]))
    assert len(digests) == 1
