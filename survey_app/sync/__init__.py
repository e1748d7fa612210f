"""The server half of offline fieldwork (docs/offline.md, "Đồng bộ / the sync API"): the device package an
enumerator's tablet downloads (``package.py``) and its opaque cursor (``cursor.py``). What the device sends back
goes through the one save path, ``submissions.service.save_submission``."""
