"""Activation: sending a segment's marketable members to a destination, incrementally, with a log of every run.

* audience: the members a segment may send, read from the warehouse (activation.activation_audience_members);
* sync_log: the diff against what was last synced, and the log of runs and member outcomes in the warehouse;
* sync: one run (prepare, execute, and what the command prints);
* destinations: one module per destination (a Marketo static list, files) behind one interface.
"""
