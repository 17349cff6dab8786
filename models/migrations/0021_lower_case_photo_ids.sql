-- Record ids are now taken in any letter case and stored in lower case.
-- Photo ids were stored as sent before, so a photo uploaded with an
-- upper-case id would no longer be found: lower the ids stored before, in
-- the photos and in their change-log and audit rows. A photo whose id
-- differs only in case from another one's (the same phone id sent twice
-- in two cases, stored twice) keeps its id: the lower-case one is the
-- photo the phone now reaches.
UPDATE photos SET id = LOWER(id)
  WHERE id <> LOWER(id) AND LOWER(id) NOT IN (SELECT t.id FROM (SELECT id FROM photos) t);
UPDATE changes SET record_id = LOWER(record_id)
  WHERE record_type = 'photo' AND record_id <> LOWER(record_id) AND record_id NOT IN (SELECT t.id FROM (SELECT id FROM photos) t);
UPDATE audit_entries SET record_id = LOWER(record_id)
  WHERE record_type = 'photo' AND record_id <> LOWER(record_id) AND record_id NOT IN (SELECT t.id FROM (SELECT id FROM photos) t);
