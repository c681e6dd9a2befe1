"""Staff edits of the catalogue: each service checks the caller's role, validates, records an audit entry and bumps
the content versions in the caller's transaction. The web workspace, the staff API and the CLI all call these.

- `episodes`: episodes (create, update, publish, schedule, unpublish, delete, restore, purge).
- `records`: shows (admins), videos, people and projects (editors).
- `common`: input types both share (slugs, web addresses, credits, links).
"""
