"""Names vulture (make lint's dead-code check) cannot see being used in the operator.

As in the repository's vulture_whitelist.py: only what a framework reads or calls by name.
"""

# ruff: noqa: B018, F821 - bare references are how vulture whitelists work

# kopf's OperatorSettings fields, written at startup (bootstrap.apply_settings), read by kopf.
_.server_timeout
_.client_timeout
_.finalizer
_.progress_storage
_.diffbase_storage
_.standalone
_.enabled

# kopf calls the decorated entry points of main.py by registration, not by name.
_.recheck_process_definition
