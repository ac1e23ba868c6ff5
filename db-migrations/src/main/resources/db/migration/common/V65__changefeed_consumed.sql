-- The changefeed's consumed high-water mark, per consumer group and partition: the highest resolved timestamp
-- whose offset the group has committed, so every change at or below it has been handled. On CockroachDB a
-- changefeed job that failed or was cancelled is recreated with cursor = the minimum over the feed's partitions,
-- so no change in between is lost (CockroachChangefeed).
CREATE TABLE changefeed_consumed (
    group_id     TEXT        NOT NULL,
    topic        TEXT        NOT NULL,
    partition_id BIGINT      NOT NULL,
    hlc_wall     BIGINT      NOT NULL,
    hlc_logical  BIGINT      NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT changefeed_consumed_pkey PRIMARY KEY (group_id, topic, partition_id)
);
