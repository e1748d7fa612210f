"""The household register: list, view, add, edit, import."""
