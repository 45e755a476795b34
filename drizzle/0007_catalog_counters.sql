-- Counters (views, ratings) change with every play and vote: they get a version of their own, which cached lists may
-- lag for a few seconds (lib/server/response-cache.ts), while what decides which videos a list holds and how it
-- shows them keeps moving the catalog's version, which a cached list never lags.
INSERT INTO "content_versions" ("key") VALUES ('catalog_counters') ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION bump_catalog_counters_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE content_versions SET version = version + 1 WHERE key = 'catalog_counters';
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER videos_catalog_version_update ON "videos";
--> statement-breakpoint
CREATE TRIGGER videos_catalog_version_update AFTER UPDATE ON "videos"
  FOR EACH ROW WHEN (
    (OLD.title, OLD.description, OLD.tags, OLD.status, OLD.visibility, OLD.owner_id, OLD.duration, OLD.created_at, OLD.outputs)
    IS DISTINCT FROM
    (NEW.title, NEW.description, NEW.tags, NEW.status, NEW.visibility, NEW.owner_id, NEW.duration, NEW.created_at, NEW.outputs)
  ) EXECUTE FUNCTION bump_catalog_version();
--> statement-breakpoint
CREATE TRIGGER videos_catalog_counters_update AFTER UPDATE ON "videos"
  FOR EACH ROW WHEN (
    (OLD.view_count, OLD.rating_sum, OLD.rating_count) IS DISTINCT FROM (NEW.view_count, NEW.rating_sum, NEW.rating_count)
  ) EXECUTE FUNCTION bump_catalog_counters_version();
