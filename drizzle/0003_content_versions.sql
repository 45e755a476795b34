CREATE TABLE "content_versions" (
	"key" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "library_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Version counters for caches of rendered lists (lib/library/response-cache.ts). Triggers bump them in the
-- transaction that makes the change, so a version and the rows it stands for become visible together, whichever
-- process (web server, worker, psql) wrote them.
INSERT INTO "content_versions" ("key") VALUES ('catalog');
--> statement-breakpoint
CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE content_versions SET version = version + 1 WHERE key = 'catalog';
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER videos_catalog_version_rows AFTER INSERT OR DELETE OR TRUNCATE ON "videos"
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
--> statement-breakpoint
-- Only what lists show: transcoding progress, probe data and timestamps change far more often and show nowhere in them.
CREATE TRIGGER videos_catalog_version_update AFTER UPDATE ON "videos"
  FOR EACH ROW WHEN (
    (OLD.title, OLD.description, OLD.tags, OLD.status, OLD.visibility, OLD.owner_id, OLD.duration, OLD.view_count,
     OLD.rating_sum, OLD.rating_count, OLD.created_at, OLD.outputs)
    IS DISTINCT FROM
    (NEW.title, NEW.description, NEW.tags, NEW.status, NEW.visibility, NEW.owner_id, NEW.duration, NEW.view_count,
     NEW.rating_sum, NEW.rating_count, NEW.created_at, NEW.outputs)
  ) EXECUTE FUNCTION bump_catalog_version();
--> statement-breakpoint
-- Guest access decides what anonymous visitors may list.
CREATE TRIGGER settings_catalog_version AFTER INSERT OR UPDATE OR DELETE ON "settings"
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
--> statement-breakpoint
CREATE FUNCTION bump_library_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE users SET library_version = library_version + 1
  WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER favorites_library_version AFTER INSERT OR UPDATE OR DELETE ON "favorites"
  FOR EACH ROW EXECUTE FUNCTION bump_library_version();
--> statement-breakpoint
CREATE TRIGGER ratings_library_version AFTER INSERT OR UPDATE OR DELETE ON "ratings"
  FOR EACH ROW EXECUTE FUNCTION bump_library_version();
--> statement-breakpoint
CREATE TRIGGER watch_progress_library_version AFTER INSERT OR UPDATE OR DELETE ON "watch_progress"
  FOR EACH ROW EXECUTE FUNCTION bump_library_version();
