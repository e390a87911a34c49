-- 0003_identity: office accounts, members and their roles, sessions, paired
-- phones, invites, production signing keys and the security audit log.
-- Threat model and protocol: docs/security.md. SQL for these tables lives in
-- sync/identity.c only.

-- A person who logs in from the office (browser). One account can be a
-- member of several productions, with a different role in each.
CREATE TABLE account (
    id             TEXT PRIMARY KEY NOT NULL,
    email          TEXT NOT NULL UNIQUE COLLATE NOCASE
                   CHECK (length(email) BETWEEN 3 AND 254),
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- crypto_pwhash_str output (Argon2id, parameters inside the string, so a
    -- change of parameters is detected at the next login and rehashed).
    pw_hash        TEXT NOT NULL,
    -- Consecutive failed logins and the lock they earned: the delay grows
    -- with the count (see backend/auth.c) and is reset by a success.
    failed_count   INTEGER NOT NULL DEFAULT 0 CHECK (failed_count >= 0),
    locked_until   INTEGER NOT NULL DEFAULT 0,   -- unix ms, 0 = not locked
    created_at     INTEGER NOT NULL
) STRICT;

-- A person on a production. account_id is NULL for crew who only use a
-- paired phone and never log in from the office.
CREATE TABLE member (
    id            TEXT PRIMARY KEY NOT NULL,
    production_id TEXT NOT NULL REFERENCES production (id),
    account_id    TEXT REFERENCES account (id),
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    department    TEXT NOT NULL CHECK (length(department) BETWEEN 1 AND 32),
    level         INTEGER NOT NULL DEFAULT 3 CHECK (level BETWEEN 0 AND 9), -- 0 = top
    role          TEXT NOT NULL CHECK (role IN ('admin', 'eco_referent', 'dept_head',
                                                'crew', 'viewer')),
    created_at    INTEGER NOT NULL,
    removed_at    INTEGER                        -- unix ms; removed members keep history
) STRICT;
CREATE INDEX member_production ON member (production_id);
CREATE UNIQUE INDEX member_account ON member (account_id, production_id)
    WHERE account_id IS NOT NULL;

-- Office sessions. Only a hash of the cookie's token is stored, so a copy
-- of the database does not hold usable sessions.
CREATE TABLE session (
    token_hash   BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
    account_id   TEXT NOT NULL REFERENCES account (id),
    csrf         TEXT NOT NULL,                  -- sent back in X-EP-CSRF
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX session_account ON session (account_id);

-- A paired phone: its Ed25519 public key verifies every request it signs.
CREATE TABLE device (
    id            TEXT PRIMARY KEY NOT NULL,
    member_id     TEXT NOT NULL REFERENCES member (id),
    production_id TEXT NOT NULL REFERENCES production (id),
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    public_key    BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
    -- Highest request counter accepted: a request must carry a greater one,
    -- which defeats replays without trusting anybody's clock.
    counter       INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER,
    last_sync_at  INTEGER,
    revoked_at    INTEGER
) STRICT;
CREATE INDEX device_production ON device (production_id);
CREATE INDEX device_member ON device (member_id);

-- One-time pairing codes; only their hash is stored.
CREATE TABLE invite (
    code_hash     BLOB PRIMARY KEY NOT NULL CHECK (length(code_hash) = 32),
    member_id     TEXT NOT NULL REFERENCES member (id),
    production_id TEXT NOT NULL REFERENCES production (id),
    created_by    TEXT,                          -- account id
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER,
    device_id     TEXT                           -- the device it paired
) STRICT;
CREATE INDEX invite_member ON invite (member_id);

-- Each production's Ed25519 signing key. The secret key is sealed with the
-- server key (crypto_secretbox: 24-byte nonce || MAC || ciphertext), so the
-- database alone cannot sign.
CREATE TABLE production_key (
    production_id TEXT PRIMARY KEY NOT NULL REFERENCES production (id),
    key_id        TEXT NOT NULL UNIQUE,
    public_key    BLOB NOT NULL CHECK (length(public_key) = 32),
    sealed_secret BLOB NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

-- Security events, append-only. production_id is NULL for account-level
-- events (logins); an admin sees those of the accounts on their production.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    production_id TEXT,
    account_id    TEXT,
    member_id     TEXT,
    device_id     TEXT,
    event         TEXT NOT NULL,                 -- e.g. "login.failed"
    detail        TEXT NOT NULL DEFAULT '',
    remote_addr   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_production ON audit_log (production_id, id);
CREATE INDEX audit_account ON audit_log (account_id, id);
