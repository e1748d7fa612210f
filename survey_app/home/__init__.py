"""The home page and the navigation menu (blueprint ``home``)."""
