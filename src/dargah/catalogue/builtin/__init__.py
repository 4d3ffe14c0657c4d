"""The data sets and code lists shipped with Dargah, as documents to sync.

JSON files under ``codelists/`` and ``datasets/`` are authored by hand; code lists that
follow another register (provinces, institution types, countries) are generated at run
time by ``generated.py`` so they never drift from their source.
"""

from __future__ import annotations

import json
from importlib import resources

from dargah.catalogue.documents import CodeListDocument, DatasetDocument


def _json_documents(folder: str) -> list[dict[str, object]]:
    root = resources.files(__name__).joinpath(folder)
    documents = []
    for entry in sorted(root.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            documents.append(json.loads(entry.read_text(encoding="utf-8")))
    return documents


def builtin_code_lists() -> list[CodeListDocument]:
    """Every built-in code list: the JSON ones and the generated ones."""
    from dargah.catalogue.builtin.generated import generated_code_lists

    authored = [CodeListDocument.model_validate(doc) for doc in _json_documents("codelists")]
    return authored + generated_code_lists()


def builtin_datasets() -> list[DatasetDocument]:
    """Every built-in data set, at the version shipped."""
    return [DatasetDocument.model_validate(doc) for doc in _json_documents("datasets")]
