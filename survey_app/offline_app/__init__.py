"""The enumerator's offline app: an installable shell page, its service worker and web app manifest (docs/offline.md)."""
