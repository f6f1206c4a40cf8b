"""Names vulture (make lint's dead-code check) cannot see being used, each with the reason.

Add an entry only for code that is used by something vulture does not read: a framework
that calls it by name, a wire format, a string. Code used only by tests is dead: delete it.
"""

# ruff: noqa: B018, F821 - bare references are how vulture whitelists work

# Wire-format fields: part of the CloudEvents envelope and of response bodies, read by
# clients and serialized by pydantic, never by attribute access in our code.
_.specversion  # catalog_chassis.messaging.cloudevents.CloudEvent
_.datacontenttype  # catalog_chassis.messaging.cloudevents.CloudEvent
_.token_type  # identity: the OAuth2 token response
_.alg  # identity: the public-key response
_.removed_at  # specification: a tombstone's column, written by the SQL adapter
_.last_error  # offering: a publication request's column, written by the SQL adapter

# Enum members: values that arrive as text (JSON, query parameters, database rows).
_.SENT  # catalog_chassis.db.OutboxStatus, set by the relay's UPDATE
_.ONLINE  # offering SalesChannel (and the four below)
_.MOBILE_APP
_.RETAIL_STORE
_.CALL_CENTER
_.PARTNER
_.USD  # pricing Currency (and the two below)
_.EUR
_.TRY

# Called by a library through an interface it defines.
_.log_message  # catalog_chassis.worker_endpoints: http.server's request handler hook
_.daemon_threads  # catalog_chassis.worker_endpoints: socketserver's thread setting
_.on_start  # catalog_chassis.tracing: OpenTelemetry SpanProcessor
_.on_end
_.shutdown

# Used where vulture does not look.
CursorResult  # catalog_chassis.repositories: in a cast("CursorResult[Any]", ...) string
_.to_json_bytes  # CloudEvent's wire form: publishing tools and the test support
upgrade_service  # catalog_chassis.migrations: the test support migrates with it
_.queue_names  # catalog_chassis.messaging.topology: the test support deletes a consumer's queues
_.listener  # the outbox relay's listener: the relay's tests wait on it being ready

# The contract gate's library (dev/apicontracts) as its checks in tests/contracts call it.
diff_excerpt  # the staleness checks' failure messages
committed_event_schema  # the producer and example checks
_.why  # an acknowledged breaking change's reason, read from docs/api/breaking-changes.yaml

# The outbox trigger as the newest revisions leave it: catalog_testing builds test schemas with it.
OUTBOX_NOTIFY_DDL

# Library settings assigned on a library object, read by the library.
_.bind_typing  # catalog_chassis.db.compiled_once: SQLAlchemy's dialect reads it while compiling
