import os

from django.core.wsgi import get_wsgi_application

from inspections.roomy_stack import RoomyWSGI

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

# Each request with room on CPython's frame stack (inspections/roomy_stack.py says why).
application = RoomyWSGI(get_wsgi_application())
