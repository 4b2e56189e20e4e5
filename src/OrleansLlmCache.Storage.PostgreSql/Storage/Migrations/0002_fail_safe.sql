-- OrleansLlmCache schema, version 2: expired answers kept for fail-safe. Applied once, inside the migrator's
-- transaction and advisory lock.

-- Until when an expired answer is kept, to be served when the origin fails; NULL: not kept past expires_at.
ALTER TABLE llmcache_grain_state ADD COLUMN stale_until timestamptz;

-- The expiry sweep removes a row once it has expired and, where it is kept for fail-safe, once that time has passed too.
DROP INDEX llmcache_grain_state_expires_at;
CREATE INDEX llmcache_grain_state_removable_at ON llmcache_grain_state ((COALESCE(stale_until, expires_at))) WHERE expires_at IS NOT NULL;

-- The article's llm_cache view, with when each row may still be served stale and what it is now.
CREATE OR REPLACE VIEW llm_cache AS
SELECT
    cache_key                                  AS key,
    tenant,
    namespace,
    model,
    payload -> 'response' ->> 'content'        AS response,
    jsonb_build_object(
        'promptTokens',     (payload -> 'response' ->> 'promptTokens')::integer,
        'completionTokens', (payload -> 'response' ->> 'completionTokens')::integer,
        'contentType',      payload -> 'response' ->> 'contentType',
        'hitCount',         (payload ->> 'hitCount')::bigint)
                                               AS metadata,
    created_at,
    expires_at,
    service_id,
    stale_until,
    CASE
        WHEN expires_at IS NULL OR expires_at > now() THEN 'live'
        WHEN stale_until > now() THEN 'fail-safe'
        ELSE 'expired'
    END                                        AS state
FROM llmcache_grain_state
WHERE grain_type = 'llm-entry'
  AND jsonb_typeof(payload -> 'response') = 'object';

UPDATE OrleansQuery SET QueryText = '
    WITH doc AS (SELECT convert_from(@PayloadBinary, ''UTF8'')::jsonb AS p),
    upsert AS (
        INSERT INTO llmcache_grain_state AS s
            (service_id, grain_type, grain_id_n0, grain_id_n1, grain_key, grain_id_hash, grain_type_hash, payload, version, modified_at,
             tenant, namespace, cache_key, model, created_at, expires_at, stale_until)
        SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(CAST(@GrainIdExtensionString AS text), ''''),
               @GrainIdHash, @GrainTypeHash, doc.p, COALESCE(CAST(@GrainStateVersion AS integer), 0) + 1, now(),
               CASE WHEN @GrainTypeString = ''llm-entry'' THEN split_part(@GrainIdExtensionString, ''/'', 1) END,
               CASE WHEN @GrainTypeString = ''llm-entry'' THEN split_part(@GrainIdExtensionString, ''/'', 2) END,
               CASE WHEN @GrainTypeString = ''llm-entry'' THEN split_part(@GrainIdExtensionString, ''/'', 3) END,
               CASE WHEN @GrainTypeString = ''llm-entry'' THEN doc.p -> ''response'' ->> ''model'' END,
               CASE WHEN @GrainTypeString = ''llm-entry'' THEN (doc.p ->> ''createdAt'')::timestamptz END,
               (doc.p ->> ''expiresAt'')::timestamptz,
               (doc.p ->> ''staleUntil'')::timestamptz
        FROM doc
        ON CONFLICT ON CONSTRAINT llmcache_grain_state_pk DO UPDATE SET
            payload = EXCLUDED.payload, version = s.version + 1, modified_at = now(),
            tenant = EXCLUDED.tenant, namespace = EXCLUDED.namespace, cache_key = EXCLUDED.cache_key,
            model = EXCLUDED.model, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
            stale_until = EXCLUDED.stale_until
        WHERE s.version = CAST(@GrainStateVersion AS integer)
        RETURNING s.version)
    SELECT (SELECT version FROM upsert) AS NewGrainStateVersion'
WHERE QueryKey = 'WriteToStorageKey';
