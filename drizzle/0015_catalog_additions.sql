-- Changes that only add to what lists show (a new video, a video whose processing made it playable or ready) move a
-- version of their own, which a cached list may lag while one render replaces it (lib/server/response-cache.ts);
-- everything else that lists show (a video deleted, made private, edited, failed; guest access) keeps moving the
-- catalog's version, which a cached list never lags: once such a change is committed, no reader is shown the old list.
INSERT INTO "content_versions" ("key") VALUES ('catalog_additions') ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- The version named by the trigger's argument.
CREATE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE content_versions SET version = version + 1 WHERE key = TG_ARGV[0];
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER videos_catalog_version_rows ON "videos";
--> statement-breakpoint
CREATE TRIGGER videos_catalog_version_rows AFTER DELETE OR TRUNCATE ON "videos"
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
--> statement-breakpoint
CREATE TRIGGER videos_catalog_additions_rows AFTER INSERT ON "videos"
  FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version('catalog_additions');
--> statement-breakpoint
DROP TRIGGER videos_catalog_version_update ON "videos";
--> statement-breakpoint
-- A promotion: processing moved the video forward to playable or ready, changing nothing else lists show but what
-- processing adds (its duration, its posters).
CREATE FUNCTION is_catalog_promotion(before_row videos, after_row videos) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT before_row.status IN ('uploaded', 'probing', 'playable', 'processing') AND after_row.status IN ('playable', 'ready')
    AND before_row.status IS DISTINCT FROM after_row.status
    AND (before_row.title, before_row.description, before_row.tags, before_row.visibility, before_row.owner_id, before_row.created_at)
      IS NOT DISTINCT FROM
      (after_row.title, after_row.description, after_row.tags, after_row.visibility, after_row.owner_id, after_row.created_at)
$$;
--> statement-breakpoint
CREATE TRIGGER videos_catalog_version_update AFTER UPDATE ON "videos"
  FOR EACH ROW WHEN (
    (OLD.title, OLD.description, OLD.tags, OLD.status, OLD.visibility, OLD.owner_id, OLD.duration, OLD.created_at, OLD.outputs)
    IS DISTINCT FROM
    (NEW.title, NEW.description, NEW.tags, NEW.status, NEW.visibility, NEW.owner_id, NEW.duration, NEW.created_at, NEW.outputs)
    AND NOT is_catalog_promotion(OLD, NEW)
  ) EXECUTE FUNCTION bump_catalog_version();
--> statement-breakpoint
CREATE TRIGGER videos_catalog_additions_update AFTER UPDATE ON "videos"
  FOR EACH ROW WHEN (is_catalog_promotion(OLD, NEW)) EXECUTE FUNCTION bump_content_version('catalog_additions');
