"""Optimistic locking: a record carries a version; a save based on an older one is refused."""


class VersionConflict(Exception):
    """Someone else saved the record after the caller read it (optimistic locking).

    `current` is the record as saved now (None if it is gone); each app's services raise a
    subclass whose message names the kind of record.
    """

    message = ""

    def __init__(self, current):
        super().__init__(self.message)
        self.current = current
