"""Progress letters to the Home Secretary: content, rendering (HTML, DOCX, PDF) and services."""
