from . import letters, progress, reference, users  # noqa: F401  (registers the admin screens)
