-- The change log's seq is handed out at commit (see models/synclog.go):
-- sync_state.watermark becomes the head of the log, the last seq handed
-- out, starting from the highest seq written so far so that phones'
-- cursors stay valid. change_gaps, the sightings of missing seqs, is no
-- longer needed: the log has no gaps.
UPDATE sync_state SET watermark = (SELECT COALESCE(MAX(seq), 0) FROM changes) WHERE id = 1;
DROP TABLE IF EXISTS change_gaps;
