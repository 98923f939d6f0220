"""Projects and their stories: create, edit, uploads, brand kit."""
