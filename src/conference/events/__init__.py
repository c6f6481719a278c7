"""Events: the conferences themselves and their settings (the front page is `overview`)."""
