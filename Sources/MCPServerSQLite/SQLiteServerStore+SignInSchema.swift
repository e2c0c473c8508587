import MCPServerCore

extension SQLiteServerStore {
    /// Migration 3: the tables signing people in needs.
    ///
    /// - `grant_families.recent_hashes` is the ring of earlier refresh-token hashes: each hash followed by one
    ///   space, newest first, cut to ``StoredGrantFamily/recentTokenHashLimit`` entries. Hashes are digests, so a
    ///   space never occurs inside one, and `instr(' ' || recent_hashes, ' ' || hash || ' ')` finds whole entries
    ///   only.
    /// - `authorization_codes.redemptions` counts redemptions in the same write that sets `consumed_at`, so one
    ///   statement tells the first redemption (1) from reuse (more).
    /// - Deleting a person deletes their consents in a trigger: one statement for the caller, and the same for
    ///   any other tool that deletes a row.
    static let signInMigration = [
        """
        CREATE TABLE people (
            id TEXT PRIMARY KEY NOT NULL,
            username TEXT,
            display_name TEXT,
            email TEXT,
            password_hash TEXT,
            credential_version INTEGER NOT NULL,
            is_admin INTEGER NOT NULL,
            upstream_issuer TEXT,
            upstream_subject TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            last_sign_in_at REAL
        )
        """,
        "CREATE UNIQUE INDEX people_username ON people (username) WHERE username IS NOT NULL",
        """
        CREATE TABLE authorization_codes (
            code_hash TEXT PRIMARY KEY NOT NULL,
            client_id TEXT NOT NULL,
            person_id TEXT NOT NULL,
            redirect_uri TEXT NOT NULL,
            scope TEXT NOT NULL,
            resource TEXT NOT NULL,
            code_challenge TEXT NOT NULL,
            family_id TEXT NOT NULL,
            auth_time REAL NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            consumed_at REAL,
            redemptions INTEGER NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at)",
        """
        CREATE TABLE grant_families (
            id TEXT PRIMARY KEY NOT NULL,
            client_id TEXT NOT NULL,
            person_id TEXT NOT NULL,
            scope TEXT NOT NULL,
            resource TEXT NOT NULL,
            auth_time REAL NOT NULL,
            current_hash TEXT,
            generation INTEGER NOT NULL,
            recent_hashes TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            last_used_at REAL NOT NULL,
            idle_expires_at REAL NOT NULL,
            absolute_expires_at REAL NOT NULL,
            revoked_at REAL,
            revocation_reason TEXT
        )
        """,
        "CREATE INDEX grant_families_idle_expires_at ON grant_families (idle_expires_at)",
        "CREATE INDEX grant_families_client_id ON grant_families (client_id)",
        "CREATE INDEX grant_families_person_id ON grant_families (person_id)",
        """
        CREATE TABLE consents (
            person_id TEXT NOT NULL,
            client_id TEXT NOT NULL,
            scopes TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (person_id, client_id)
        )
        """,
        "CREATE INDEX consents_client_id ON consents (client_id)",
        """
        CREATE TRIGGER people_delete_consents AFTER DELETE ON people
        BEGIN
            DELETE FROM consents WHERE person_id = old.id;
        END
        """,
        """
        CREATE TABLE upstream_logins (
            state_hash TEXT PRIMARY KEY NOT NULL,
            nonce TEXT NOT NULL,
            code_verifier TEXT NOT NULL,
            sealed_request TEXT NOT NULL,
            browser_hash TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL
        )
        """,
        "CREATE INDEX upstream_logins_expires_at ON upstream_logins (expires_at)",
    ]
}
