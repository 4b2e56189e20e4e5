-- OrleansLlmCache schema, version 1. Applied once, inside the migrator's transaction and advisory lock.

-- The grain state of every cache grain. One row per (service, state name, grain id): the primary key makes a
-- concurrent first write of the same grain insert once and fail the other writer with a version conflict.
CREATE TABLE llmcache_grain_state
(
    service_id      text        NOT NULL,
    grain_type      text        NOT NULL, -- the [PersistentState] name, such as llm-entry
    grain_id_n0     bigint      NOT NULL,
    grain_id_n1     bigint      NOT NULL,
    grain_key       text        NOT NULL DEFAULT '', -- the string key, such as acme/content/9ec6...
    grain_id_hash   integer     NOT NULL,
    grain_type_hash integer     NOT NULL,
    payload         jsonb,                -- the state as System.Text.Json (camelCase), no CLR type names
    version         integer     NOT NULL,
    modified_at     timestamptz NOT NULL DEFAULT now(),
    -- Readable columns of cache entries (grain_type = 'llm-entry'), derived from the payload on every write.
    tenant          text,
    namespace       text,
    cache_key       text,
    model           text,
    created_at      timestamptz,
    expires_at      timestamptz,
    CONSTRAINT llmcache_grain_state_pk PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_key)
);

-- The expiry sweep reads this index; entries without expiry are not in it.
CREATE INDEX llmcache_grain_state_expires_at ON llmcache_grain_state (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX llmcache_grain_state_tenant_namespace ON llmcache_grain_state (tenant, namespace) WHERE grain_type = 'llm-entry';
CREATE INDEX llmcache_grain_state_model ON llmcache_grain_state (model) WHERE grain_type = 'llm-entry';

-- The article's llm_cache table, as a view: plain SQL over the cached entries.
CREATE VIEW llm_cache AS
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
    service_id
FROM llmcache_grain_state
WHERE grain_type = 'llm-entry'
  AND jsonb_typeof(payload -> 'response') = 'object';

-- The Orleans ADO.NET storage provider reads its statements from this table (the packages ship no SQL).
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
    SELECT convert_to(payload::text, ''UTF8'') AS PayloadBinary, version AS Version
    FROM llmcache_grain_state
    WHERE service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_key = COALESCE(CAST(@GrainIdExtensionString AS text), '''')'),
-- Insert, or update when the caller read the current version. Always returns one row: NULL means "nothing was
-- written", which the provider reports as a version conflict. A row the expiry sweep deleted is re-inserted.
('WriteToStorageKey', '
    WITH doc AS (SELECT convert_from(@PayloadBinary, ''UTF8'')::jsonb AS p),
    upsert AS (
        INSERT INTO llmcache_grain_state AS s
            (service_id, grain_type, grain_id_n0, grain_id_n1, grain_key, grain_id_hash, grain_type_hash, payload, version, modified_at,
             tenant, namespace, cache_key, model, created_at, expires_at)
        SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(CAST(@GrainIdExtensionString AS text), ''''),
               @GrainIdHash, @GrainTypeHash, doc.p, COALESCE(CAST(@GrainStateVersion AS integer), 0) + 1, now(),
               CASE WHEN @GrainTypeString = ''llm-entry'' THEN split_part(@GrainIdExtensionString, ''/'', 1) END,
               CASE WHEN @GrainTypeString = ''llm-entry'' THEN split_part(@GrainIdExtensionString, ''/'', 2) END,
               CASE WHEN @GrainTypeString = ''llm-entry'' THEN split_part(@GrainIdExtensionString, ''/'', 3) END,
               CASE WHEN @GrainTypeString = ''llm-entry'' THEN doc.p -> ''response'' ->> ''model'' END,
               CASE WHEN @GrainTypeString = ''llm-entry'' THEN (doc.p ->> ''createdAt'')::timestamptz END,
               (doc.p ->> ''expiresAt'')::timestamptz
        FROM doc
        ON CONFLICT ON CONSTRAINT llmcache_grain_state_pk DO UPDATE SET
            payload = EXCLUDED.payload, version = s.version + 1, modified_at = now(),
            tenant = EXCLUDED.tenant, namespace = EXCLUDED.namespace, cache_key = EXCLUDED.cache_key,
            model = EXCLUDED.model, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
        WHERE s.version = CAST(@GrainStateVersion AS integer)
        RETURNING s.version)
    SELECT (SELECT version FROM upsert) AS NewGrainStateVersion'),
-- Clearing deletes the row: cleared entries leave no tombstones behind.
('ClearStorageKey', '
    WITH deleted AS (
        DELETE FROM llmcache_grain_state
        WHERE service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
          AND grain_key = COALESCE(CAST(@GrainIdExtensionString AS text), '''')
          AND version = CAST(@GrainStateVersion AS integer)
        RETURNING version)
    SELECT COALESCE((SELECT version + 1 FROM deleted), CASE WHEN CAST(@GrainStateVersion AS integer) IS NULL THEN 0 END) AS NewGrainStateVersion'),
('DeleteStorageKey', '
    WITH deleted AS (
        DELETE FROM llmcache_grain_state
        WHERE service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
          AND grain_key = COALESCE(CAST(@GrainIdExtensionString AS text), '''')
          AND version = CAST(@GrainStateVersion AS integer)
        RETURNING version)
    SELECT COALESCE((SELECT version + 1 FROM deleted), CASE WHEN CAST(@GrainStateVersion AS integer) IS NULL THEN 0 END) AS NewGrainStateVersion')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
