"""The read-only JSON API (/api/v1/, django-ninja, its OpenAPI description served at
/api/v1/openapi.json): the same rows and derived states as the pages, read with a key that reads
what one force's scrutiny member reads, or (national) what the viewer reads."""
