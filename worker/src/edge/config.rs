//! The worker's configuration from its environment (wrangler.toml vars, secrets, `.dev.vars`).

use crate::auth::{
    AuthConfig, DEFAULT_MAX_LIFETIME_SECONDS, check_hs256_secret, eddsa_key_from_jwk,
    key_set_from_jwks,
};
use worker::Env;

/// How every development secret starts (`scripts/dev-vars.mjs` generates them): a worker that
/// holds one answers only on a loopback address, even if `ORGSPACE_DEV` was not copied along.
pub const DEV_SECRET_PREFIX: &str = "orgspace-dev-";

/// Everything a request needs from the environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// How bearer tokens are verified.
    pub auth: AuthConfig,
    /// Whether `x-orgspace-time` may set the clock of a request: only for local development and
    /// the conformance tests, whose scenarios run at fixed times, and only on a loopback address.
    pub dev_clock: bool,
    /// Whether the test-only fault switch is on ([`test_faults`]).
    pub test_faults: bool,
    /// The staleness bound of edge answers ([`staleness_bound_ms`]).
    pub staleness_ms: u64,
    /// Whether the HS256 secret is a local development secret (`ORGSPACE_DEV=true`, which the
    /// generated `.dev.vars` sets): then the worker answers only on a loopback address.
    pub dev_secret: bool,
    /// Origins a browser page may call the API from (`ORGSPACE_CORS_ORIGINS`, comma-separated);
    /// empty: same origin only.
    pub cors_origins: Vec<String>,
}

fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .ok()
        .map(|v| v.to_string())
        .or_else(|| env.secret(name).ok().map(|v| v.to_string()))
        .filter(|v| !v.trim().is_empty())
}

impl Config {
    /// Reads the configuration; an error names what is missing or unsafe.
    pub fn from_env(env: &Env) -> Result<Config, String> {
        let eddsa_key = match var(env, "JWT_EDDSA_PUBLIC_JWK") {
            Some(jwk) => Some(eddsa_key_from_jwk(&jwk)?),
            None => None,
        };
        let key_set = match var(env, "JWT_JWKS") {
            Some(jwks) => key_set_from_jwks(&jwks)?,
            None => Vec::new(),
        };
        let hs256_secret = var(env, "JWT_HS256_SECRET").map(String::into_bytes);
        if let Some(secret) = &hs256_secret {
            check_hs256_secret(secret)?;
        }
        if eddsa_key.is_none() && hs256_secret.is_none() && key_set.is_empty() {
            return Err(
                "no token key is configured: set JWT_EDDSA_PUBLIC_JWK, JWT_JWKS or the JWT_HS256_SECRET secret"
                    .into(),
            );
        }
        let max_lifetime_seconds = match var(env, "JWT_MAX_LIFETIME_SECONDS") {
            Some(v) => v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|s| *s > 0)
                .ok_or("JWT_MAX_LIFETIME_SECONDS must be a positive number of seconds")?,
            None => DEFAULT_MAX_LIFETIME_SECONDS,
        };
        let cors_origins = var(env, "ORGSPACE_CORS_ORIGINS")
            .map(|list| {
                list.split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_string())
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Config {
            auth: AuthConfig {
                hs256_secret,
                eddsa_key,
                key_set,
                max_lifetime_seconds,
                issuer: var(env, "JWT_ISSUER").ok_or("JWT_ISSUER is not set")?,
                audience: var(env, "JWT_AUDIENCE").ok_or("JWT_AUDIENCE is not set")?,
            },
            dev_clock: var(env, "ORGSPACE_DEV_CLOCK").is_some_and(|v| v == "true"),
            test_faults: test_faults(env),
            staleness_ms: staleness_bound_ms(env),
            dev_secret: var(env, "ORGSPACE_DEV").is_some_and(|v| v == "true")
                || var(env, "JWT_HS256_SECRET").is_some_and(|s| s.starts_with(DEV_SECRET_PREFIX)),
            cors_origins,
        })
    }
}

/// Whether the test-only fault switch (`POST /v1/test/kv-fault`) is on: only when
/// `ORGSPACE_TEST_FAULTS` is `true`, which only the test runner passes to `wrangler dev`.
pub fn test_faults(env: &Env) -> bool {
    var(env, "ORGSPACE_TEST_FAULTS").is_some_and(|v| v == "true")
}

/// The staleness bound of edge answers in milliseconds (`ORGSPACE_STALENESS_MS`, 30 s by
/// default; `staleness.rs`).
pub fn staleness_bound_ms(env: &Env) -> u64 {
    var(env, "ORGSPACE_STALENESS_MS")
        .and_then(|v| v.parse().ok())
        .unwrap_or(crate::staleness::DEFAULT_BOUND_MS)
}

/// The bytes of workspace part text the writer keeps in memory between calls
/// (`ORGSPACE_WRITER_CACHE_BYTES`, [`crate::part_cache::DEFAULT_BUDGET`] by default; the tests
/// set it to 1 so that every call loads its parts again).
pub fn writer_cache_bytes(env: &Env) -> usize {
    var(env, "ORGSPACE_WRITER_CACHE_BYTES")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(crate::part_cache::DEFAULT_BUDGET)
}

/// The part text one answer reading many parts (a whole view, an access diff) may have the
/// writer hold (`ORGSPACE_WRITER_LOAD_BYTES`, [`crate::part_cache::DEFAULT_LOAD_CAP`] by
/// default; the tests set it low so that a small organization crosses it): past it the answer
/// is refused with 413 before the writer holds more.
pub fn writer_load_bytes(env: &Env) -> usize {
    var(env, "ORGSPACE_WRITER_LOAD_BYTES")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(crate::part_cache::DEFAULT_LOAD_CAP)
}
