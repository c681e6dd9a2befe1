"""Intake of the editable catalogue folder (episodes/): `specs` says what a file may hold, `loader` reads the folder
into specs (errors name file, line and field), `dates` reads imprecise publication dates. The format is documented in
episodes/README.md; sync.py writes what is read into the catalogue."""
