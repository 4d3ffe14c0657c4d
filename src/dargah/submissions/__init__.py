"""Submissions: institutions send data-set files; the gateway reads, validates and loads them.

``readers`` turns a CSV, XLSX, JSON or NDJSON file into batches of text columns,
``headers`` maps its header row onto a schema, ``validation`` types and checks each
batch, and ``service`` runs the whole pass inside one transaction.
"""
