"""django-modeltranslation registrations of content fields."""
