-- The one admin account that may change targets. Only a password hash is kept (ASP.NET Core
-- Identity's PBKDF2 format), never the password. At most one row.

CREATE TABLE admin_credentials (
    id             smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    user_name      text        NOT NULL DEFAULT 'admin',
    password_hash  text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
