-- Authentication hardening.
-- Each account's last accepted TOTP time step: a code whose step is not later is refused, so a
-- code is accepted once only (RFC 6238 §5.2), across instances.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
-- Sign-in attempts are reserved (counted) before any password hashing and released when they
-- succeed; the reservation's id ties together its per-account and per-address rows.
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
CREATE INDEX login_failures_attempt ON login_failures (attempt);
