-- Photos follow their owner record: a photo is seen in its owner's region
-- and is deleted with its owner. Before this, moving a record left its
-- photos in the old region and deleting one left its photos live. This
-- brings the photos written before in line: photos of deleted (or missing)
-- owners are deleted as of their last update, so the sweep releases their
-- bytes at its next run unless a live photo shares them; photos of moved
-- owners take the owner's region now.

UPDATE photos SET deleted_at = updated_at, version = version + 1
WHERE deleted_at IS NULL AND owner_type = 'visit'
AND NOT EXISTS (SELECT 1 FROM visits o WHERE o.id = photos.owner_id AND o.deleted_at IS NULL);

UPDATE photos SET deleted_at = updated_at, version = version + 1
WHERE deleted_at IS NULL AND owner_type = 'training'
AND NOT EXISTS (SELECT 1 FROM trainings o WHERE o.id = photos.owner_id AND o.deleted_at IS NULL);

UPDATE photos SET deleted_at = updated_at, version = version + 1
WHERE deleted_at IS NULL AND owner_type = 'plot'
AND NOT EXISTS (SELECT 1 FROM plots o WHERE o.id = photos.owner_id AND o.deleted_at IS NULL);

UPDATE photos SET deleted_at = updated_at, version = version + 1
WHERE deleted_at IS NULL AND owner_type = 'plot_observation'
AND NOT EXISTS (SELECT 1 FROM plot_observations o WHERE o.id = photos.owner_id AND o.deleted_at IS NULL);

UPDATE photos SET deleted_at = updated_at, version = version + 1
WHERE deleted_at IS NULL AND owner_type = 'demand'
AND NOT EXISTS (SELECT 1 FROM demands o WHERE o.id = photos.owner_id AND o.deleted_at IS NULL);

UPDATE photos SET version = version + 1,
region_code = (SELECT o.village_code FROM visits o WHERE o.id = photos.owner_id)
WHERE deleted_at IS NULL AND owner_type = 'visit'
AND EXISTS (SELECT 1 FROM visits o WHERE o.id = photos.owner_id AND o.village_code <> photos.region_code);

UPDATE photos SET version = version + 1,
region_code = (SELECT o.region_code FROM trainings o WHERE o.id = photos.owner_id)
WHERE deleted_at IS NULL AND owner_type = 'training'
AND EXISTS (SELECT 1 FROM trainings o WHERE o.id = photos.owner_id AND o.region_code <> photos.region_code);

UPDATE photos SET version = version + 1,
region_code = (SELECT o.village_code FROM plots o WHERE o.id = photos.owner_id)
WHERE deleted_at IS NULL AND owner_type = 'plot'
AND EXISTS (SELECT 1 FROM plots o WHERE o.id = photos.owner_id AND o.village_code <> photos.region_code);

UPDATE photos SET version = version + 1,
region_code = (SELECT p.village_code FROM plot_observations o JOIN plots p ON p.id = o.plot_id WHERE o.id = photos.owner_id)
WHERE deleted_at IS NULL AND owner_type = 'plot_observation'
AND EXISTS (SELECT 1 FROM plot_observations o JOIN plots p ON p.id = o.plot_id WHERE o.id = photos.owner_id AND p.village_code <> photos.region_code);

UPDATE photos SET version = version + 1,
region_code = (SELECT o.region_code FROM demands o WHERE o.id = photos.owner_id)
WHERE deleted_at IS NULL AND owner_type = 'demand'
AND EXISTS (SELECT 1 FROM demands o WHERE o.id = photos.owner_id AND o.region_code <> photos.region_code);
