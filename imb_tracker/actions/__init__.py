"""What a user does, as functions both front ends call: the GUI and the CLI add no rules of their own.

Each function here strings together services (store, mail, layout, usps,
tracking, sandbox) for one user-level job; none touches Qt or prints.
"""
