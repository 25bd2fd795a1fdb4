"""The one door: every workflow a user can start, once, as functions both front ends call.

Each function strings services together (store, mail, layout, usps, tracking,
sandbox) for one user-level job; none touches Qt or prints.  Progress and
cancel are plain callables and ``threading.Event``\\ s.  The modules:

``backend``   where lookups go (``--usps``, the setting), the demo stand-in, the sign-in test
``importing`` a list into a mailing      ``lookup``    one piece and its timeline
``refresh``   the refresh policy         ``printing``  envelopes, labels, tags, one letter
``exports``   pieces, scans, reports     ``mailings``  mark mailed
``demo``      the walk-through           ``catalog``   the queries the pages show
``errors``    ActionError

``docs/architecture.md`` maps each workflow to its function and its callers.
"""
