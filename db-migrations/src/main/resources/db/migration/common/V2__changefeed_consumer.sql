-- Tables the changefeed consumer framework owns. Nothing here knows about inventory.

-- HLC fence: per (subprocessor, topic, key) the highest changefeed `updated` timestamp handled.
-- The HLC is stored as (wall nanos, logical) so it compares as a row value on both databases.
-- row_key leads the primary key so writes spread over the key space.
CREATE TABLE changefeed_fence (
    row_key       TEXT        NOT NULL,
    topic         TEXT        NOT NULL,
    subprocessor  TEXT        NOT NULL,
    hlc_wall      BIGINT      NOT NULL,
    hlc_logical   BIGINT      NOT NULL,
    handled_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT changefeed_fence_pkey PRIMARY KEY (row_key, topic, subprocessor)
);

-- Index of the dead-letter topics, for listing and re-driving. The Kafka topic holds the original message;
-- this row says where and why. subprocessor is '' for a message no subprocessor could even decode.
CREATE TABLE dead_letters (
    id                UUID        NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
    source_topic      TEXT        NOT NULL,
    source_partition  BIGINT      NOT NULL,
    source_offset     BIGINT      NOT NULL,
    subprocessor      TEXT        NOT NULL,
    dead_letter_topic TEXT        NOT NULL,
    message_key       TEXT        NULL,
    message_value     TEXT        NULL,
    error_class       TEXT        NOT NULL,
    error_message     TEXT        NOT NULL,
    attempts          BIGINT      NOT NULL,
    first_failure_at  TIMESTAMPTZ NOT NULL,
    last_failure_at   TIMESTAMPTZ NOT NULL,
    status            TEXT        NOT NULL DEFAULT 'pending',
    redriven_at       TIMESTAMPTZ NULL,
    CONSTRAINT dead_letters_source_unique UNIQUE (source_topic, source_partition, source_offset, subprocessor),
    CONSTRAINT dead_letters_status_valid CHECK (status IN ('pending', 'redriven', 'resolved'))
);

-- Runtime switches per subprocessor (pause/resume), shared by every consumer instance.
CREATE TABLE subprocessor_state (
    subprocessor  TEXT        NOT NULL PRIMARY KEY,
    paused        BOOLEAN     NOT NULL DEFAULT false,
    last_updated  TIMESTAMPTZ NOT NULL DEFAULT now()
);
