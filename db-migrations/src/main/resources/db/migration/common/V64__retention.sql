-- Retention (stockflow.retention.*) deletes settled dead letters some time after they settled; a re-drive
-- already records when (redriven_at), a resolve now does too.
ALTER TABLE dead_letters ADD COLUMN resolved_at TIMESTAMPTZ NULL;
