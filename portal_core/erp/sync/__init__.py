"""The ERP sync: bulk, idempotent, all-or-nothing upserts keyed by `external_id`.

`schemas` validates rows (pydantic), `resources` says how each resource maps to tables,
`engine` runs a batch. The API, the import command and the demo seeding all call
`engine.batch_upsert`.
"""
